import { parsePublicKey, parsePublicKeyBlob } from "../keys/index.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { sshKeyType, sshRsaSignatures, type SshRsaHash } from "../keys/algorithms.js";
import { AgentConnection, type AgentConnectionOptions } from "./agent-protocol.js";
import { AgentError } from "./errors.js";
import { ecdsaParameters, fixedLength, rsaModulusBytes, verifyNormalised, type ClientRsaHash, type ClientSigner } from "./signature.js";
import { SshReader } from "../keys/wire.js";
import { securityKeySignatureVerifies } from "./security-key-signature.js";
import { parseOptions } from "../options/parse-options.js";
import { agentOptionsSchema, agentSignerOptionsSchema } from "./options.js";

export interface AgentOptions {
  /** The agent's unix socket; default `process.env.SSH_AUTH_SOCK`. */
  socketPath?: string | undefined;
  /** Per-request timeout in ms (the agent may wait for a confirmation); default 60 000. */
  timeoutMs?: number | undefined;
}

export interface AgentSignerOptions extends AgentOptions {
  /** Pick the key whose `SHA256:…` fingerprint (as `ssh-add -l` prints it) matches. */
  fingerprint?: string | undefined;
  /** Pick the key equal to this public key (parsed, or OpenSSH/PEM text). */
  publicKey?: ParsedPublicKey | string | undefined;
}

/**
 * The keys the agent holds that we can sign with (RSA, Ed25519, ECDSA P-256/384/521, and the
 * security keys sk-ssh-ed25519 and sk-ecdsa-sha2-nistp256, which only SSHSIG signs with), in
 * the agent's order. Certificates, DSA and keys refused by policy are left out.
 */
export async function listAgentKeys(options: AgentOptions = {}): Promise<ParsedPublicKey[]> {
  parseOptions(agentOptionsSchema, options, "listAgentKeys");
  const conn = new AgentConnection(connectionOptions(options));
  try {
    return await usableIdentities(conn);
  } finally {
    conn.close();
  }
}

/**
 * A Signer backed by a key held in the running ssh-agent. With neither `fingerprint` nor
 * `publicKey` the first usable key is taken (the agent's order, as ssh does).
 *
 * Throws AgentError: `agent_unavailable`, `key_not_in_agent`; `sign()` may also throw
 * `agent_refused`, `agent_protocol_error`, `agent_timeout`, `agent_unavailable`.
 */
export async function agentSigner(options: AgentSignerOptions = {}): Promise<ClientSigner> {
  parseOptions(agentSignerOptionsSchema, options, "agentSigner");
  let wanted: ParsedPublicKey | null = null;
  if (options.publicKey !== undefined) {
    wanted = typeof options.publicKey === "string" ? parsePublicKey(options.publicKey) : options.publicKey;
  }
  const wantedFingerprint = options.fingerprint === undefined ? null : normaliseFingerprint(options.fingerprint);

  const conn = new AgentConnection(connectionOptions(options));
  try {
    const keys = await usableIdentities(conn);
    const match = keys.find(
      (k) => (wanted === null || k.blob.equals(wanted.blob)) && (wantedFingerprint === null || k.fingerprintSha256 === wantedFingerprint),
    );
    if (!match) {
      const which = wantedFingerprint ?? wanted?.fingerprintSha256 ?? null;
      throw new AgentError("key_not_in_agent", which ? `the ssh-agent does not hold key ${which}` : "the ssh-agent holds no usable key (RSA, Ed25519, ECDSA)", {
        fingerprint: which,
        agentKeys: keys.map((k) => k.fingerprintSha256),
      });
    }
    return new AgentSigner(conn, match);
  } catch (err) {
    conn.close();
    throw err;
  }
}

/**
 * The agent's usable keys over one connection, each turned into a Signer on demand: for
 * callers that try several keys in turn, as ssh does. Signers from a keyring do not close
 * the connection; `close()` on the keyring does.
 */
export interface AgentKeyring {
  readonly keys: readonly ParsedPublicKey[];
  signerFor(key: ParsedPublicKey): ClientSigner;
  close(): void;
}

/** Opens the agent and lists its usable keys (agent order). Throws AgentError `agent_unavailable`. */
export async function openAgentKeyring(options: AgentOptions = {}): Promise<AgentKeyring> {
  parseOptions(agentOptionsSchema, options, "openAgentKeyring");
  const conn = new AgentConnection(connectionOptions(options));
  try {
    const keys = await usableIdentities(conn);
    return {
      keys,
      signerFor: (key) => new AgentSigner(conn, key, false),
      close: () => conn.close(),
    };
  } catch (err) {
    conn.close();
    throw err;
  }
}

function connectionOptions(options: AgentOptions): AgentConnectionOptions {
  const out: AgentConnectionOptions = { socketPath: options.socketPath };
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}

async function usableIdentities(conn: AgentConnection): Promise<ParsedPublicKey[]> {
  const ids = await conn.requestIdentities();
  const keys: ParsedPublicKey[] = [];
  for (const id of ids) {
    try {
      keys.push(parsePublicKeyBlob(id.blob, id.comment));
    } catch {
      // Unsupported type, certificate or policy refusal: not a key we can sign with.
    }
  }
  return keys;
}

function normaliseFingerprint(fp: string): string {
  if (typeof fp !== "string") throw new TypeError("agentSigner: fingerprint must be a string");
  const body = fp
    .trim()
    .replace(/^SHA256:/i, "")
    .replace(/=+$/, "");
  return `SHA256:${body}`;
}

class AgentSigner implements ClientSigner {
  readonly source = "agent" as const;
  /** The agent protocol has flags for SHA-1, SHA-256 and SHA-512 only. */
  readonly rsaHashes: readonly ClientRsaHash[];

  constructor(
    private readonly conn: AgentConnection,
    readonly publicKey: ParsedPublicKey,
    /** False when a keyring shares the connection among several signers. */
    private readonly ownsConnection = true,
  ) {
    this.rsaHashes = publicKey.type === "ssh-rsa" ? (Object.keys(sshRsaSignatures) as SshRsaHash[]) : [];
  }

  async sign(data: Buffer, options: { rsaHash?: ClientRsaHash } = {}): Promise<Buffer> {
    if (!Buffer.isBuffer(data)) throw new TypeError("sign: data must be a Buffer");
    const key = this.publicKey;
    let flags = 0;
    let expected: string = key.type;
    const rsaHash = options.rsaHash ?? "sha256";
    if (key.type === "ssh-rsa") {
      if (rsaHash === "sha384" || !Object.hasOwn(sshRsaSignatures, rsaHash)) {
        throw new TypeError(`ssh-agent cannot make RSA signatures with ${String(rsaHash)}`);
      }
      ({ agentFlag: flags, algorithm: expected } = sshRsaSignatures[rsaHash]);
    }

    const sig = await this.conn.sign(key.blob, data, flags).catch((err: unknown) => {
      throw err instanceof AgentError && err.code === "agent_refused" ? refusedWith(key) : err;
    });
    if (sshKeyType(key.type).securityKey) return securityKeySignature(key, data, sig);
    if (sig.algorithm !== expected) {
      // e.g. an old agent that ignores the SHA-2 flags and answers ssh-rsa.
      throw new AgentError("agent_protocol_error", `ssh-agent signed with ${sig.algorithm}, expected ${expected}`, {
        algorithm: sig.algorithm,
        expected,
      });
    }
    let out: Buffer;
    try {
      out = normaliseSignature(key, sig.blob);
    } catch {
      throw new AgentError("agent_protocol_error", `malformed ${sig.algorithm} signature from ssh-agent`);
    }
    // Cheap insurance that the normalised form is right before it goes on the wire.
    if (!verifyNormalised(key, data, out, rsaHash)) {
      throw new AgentError("agent_protocol_error", "the ssh-agent's signature does not verify");
    }
    return out;
  }

  close(): void {
    if (this.ownsConnection) this.conn.close();
  }
}

/**
 * A security key's signature is not over `data` but over the authenticator's assertion, and
 * its flags and counter follow it: the agent's answer goes on the wire whole (see signer.ts).
 */
function securityKeySignature(key: ParsedPublicKey, data: Buffer, sig: { algorithm: string; encoded: Buffer }): Buffer {
  if (sig.algorithm !== key.type) {
    throw new AgentError("agent_protocol_error", `ssh-agent signed with ${sig.algorithm}, expected ${key.type}`, {
      algorithm: sig.algorithm,
      expected: key.type,
    });
  }
  if (!securityKeySignatureVerifies(key, data, sig.encoded))
    throw new AgentError("agent_protocol_error", "the ssh-agent's security-key signature does not verify");
  return sig.encoded;
}

/**
 * SSH_AGENT_FAILURE carries no reason, so the message names the key and what makes OpenSSH's
 * agent refuse a key it lists: destination constraints (it then signs only ssh's own
 * user-authentication requests on a bound connection), a confirmation that was denied or timed
 * out, a lock; for a security key also the touch it waits for, or a PIN it cannot ask for.
 */
function refusedWith(key: ParsedPublicKey): AgentError {
  const securityKey = sshKeyType(key.type).securityKey
    ? ", or the security key was not touched in time, is not plugged in, or needs a PIN (a verify-required key: the agent asks for it from OpenSSH 8.9 on, through ssh-askpass)"
    : "";
  return new AgentError(
    "agent_refused",
    `ssh-agent refused to sign with ${key.fingerprintSha256} (${key.type}) and gives no reason: likely the key was added with a destination constraint (ssh-add -h), which the agent keeps for ssh logins only (add it again without -h), or it needs a confirmation (ssh-add -c) that was denied or timed out, or the agent is locked (ssh-add -X unlocks it)${securityKey}`,
    { fingerprint: key.fingerprintSha256, keyType: key.type },
  );
}

/** SSH signature blob → the Signer form (see signer.ts). */
function normaliseSignature(key: ParsedPublicKey, blob: Buffer): Buffer {
  switch (key.type) {
    case "ssh-ed25519":
      if (blob.length !== 64) throw new RangeError("ed25519 signature must be 64 bytes");
      return blob;
    case "ssh-rsa":
      return fixedLength(blob, rsaModulusBytes(key));
    default: {
      // RFC 5656 §3.1.2: string(mpint r ‖ mpint s) → IEEE-P1363 r‖s. Read as plain strings,
      // not strict mpints: some agents pad or forget the sign byte, and the result is
      // verified against the key before use anyway.
      const bytes = ecdsaParameters(key).scalarBytes;
      const r = new SshReader(blob);
      const rr = r.string();
      const ss = r.string();
      r.end();
      return Buffer.concat([fixedLength(rr, bytes), fixedLength(ss, bytes)]);
    }
  }
}
