// A software FIDO authenticator: what a hardware security key does for `ssh-keygen -Y sign`
// (PROTOCOL.u2f), with node:crypto keys, so tests can make sk-* keys and their SSHSIG
// signatures without hardware. Every signature is first checked by the real
// `ssh-keygen -Y verify`, so a bug here cannot make our verifier agree with itself.
import { execFileSync } from "node:child_process";
import crypto, { type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { sshsigSignedData, type SshsigHash } from "../../strategy/schemes/sshsig/blob.js";
import { sshMpint, sshString, sshUint32 } from "../../strategy/keys/wire.js";
import { makeTmpDir } from "./ssh-keygen.js";

/** The server's default SSHSIG namespace. */
const sshsigNamespace = "http@passport-sshkey";

export const userPresent = 0x01;
export const userVerified = 0x04;

export type SoftwareFidoKind = "ed25519" | "ecdsa";

export interface FidoSignOptions {
  namespace: string;
  /** Default sha512, as ssh-keygen signs. */
  hash?: SshsigHash | undefined;
  /** Authenticator flags (default user present). */
  flags?: number | undefined;
  /** The signature counter (default: one more than the last signature's). */
  counter?: number | undefined;
}

export interface SoftwareFidoKey {
  readonly type: "sk-ssh-ed25519@openssh.com" | "sk-ecdsa-sha2-nistp256@openssh.com";
  readonly application: string;
  /** The SSH wire blob: the plain key's fields and `string application`. */
  readonly blob: Buffer;
  /** The OpenSSH public key line, `type base64 comment`. */
  readonly publicLine: string;
  /** The plain private key inside, for tests that try it where security keys are refused. */
  readonly privateKey: KeyObject;
  /**
   * The SSHSIG blob (base64, no armor) over `message`, proved by `ssh-keygen -Y verify` first.
   * OpenSSH 9.2's `-Y verify` checks the signature whatever its flags say (its allowed_signers
   * has no no-touch-required or verify-required), so UP- and UV-clear signatures are proved too.
   */
  sign(message: string | Buffer, options: FidoSignOptions): string;
  /** The same without the ssh-keygen proof: for signatures ssh-keygen is expected to refuse. */
  signUnchecked(message: string | Buffer, options: FidoSignOptions): string;
}

const ed25519Type = "sk-ssh-ed25519@openssh.com";
const ecdsaType = "sk-ecdsa-sha2-nistp256@openssh.com";

function plainFields(kind: SoftwareFidoKind, publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: "jwk" });
  if (kind === "ed25519") return sshString(Buffer.from(jwk.x!, "base64url"));
  const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  return Buffer.concat([sshString("nistp256"), sshString(point)]);
}

function armor(blob: Buffer): string {
  return `-----BEGIN SSH SIGNATURE-----\n${blob.toString("base64").replace(/.{1,70}/g, "$&\n")}-----END SSH SIGNATURE-----\n`;
}

/** `ssh-keygen -Y verify` of an SSHSIG blob; throws with ssh-keygen's own words when it refuses. */
function sshKeygenVerify(key: SoftwareFidoKey, message: string | Buffer, signature: string, namespace: string): void {
  const tmp = makeTmpDir("passport-sshkey-fido-");
  try {
    const [type, data] = key.publicLine.split(" ");
    writeFileSync(path.join(tmp.dir, "allowed_signers"), `fido@test ${type} ${data}\n`);
    writeFileSync(path.join(tmp.dir, "sig"), armor(Buffer.from(signature, "base64")));
    execFileSync("ssh-keygen", ["-Y", "verify", "-f", "allowed_signers", "-I", "fido@test", "-n", namespace, "-s", "sig"], {
      cwd: tmp.dir,
      input: message,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } finally {
    tmp.cleanup();
  }
}

/** A new software security key of `kind`, made for `application` ("ssh:" unless a web origin is given). */
export function softwareFidoKey(kind: SoftwareFidoKind, application = "ssh:", comment = "fido@test"): SoftwareFidoKey {
  const { publicKey, privateKey } = kind === "ed25519" ? crypto.generateKeyPairSync("ed25519") : crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const type = kind === "ed25519" ? ed25519Type : ecdsaType;
  const blob = Buffer.concat([sshString(type), plainFields(kind, publicKey), sshString(application)]);
  let lastCounter = 0;

  const signUnchecked = (message: string | Buffer, options: FidoSignOptions): string => {
    const hash = options.hash ?? "sha512";
    const flags = options.flags ?? userPresent;
    const counter = options.counter ?? lastCounter + 1;
    lastCounter = counter;
    // The authenticator signs SHA256(application) ‖ flags ‖ counter ‖ SHA256(what ssh-keygen asked it to sign).
    const inner = sshsigSignedData(options.namespace, hash, message);
    const signed = Buffer.concat([
      crypto.createHash("sha256").update(application).digest(),
      Buffer.of(flags),
      sshUint32(counter),
      crypto.createHash("sha256").update(inner).digest(),
    ]);
    let sig: Buffer;
    if (kind === "ed25519") sig = crypto.sign(null, signed, privateKey);
    else {
      const rs = crypto.sign("sha256", signed, { key: privateKey, dsaEncoding: "ieee-p1363" });
      sig = Buffer.concat([sshMpint(rs.subarray(0, 32)), sshMpint(rs.subarray(32))]);
    }
    const signature = Buffer.concat([sshString(type), sshString(sig), Buffer.of(flags), sshUint32(counter)]);
    const sshsig = Buffer.concat([
      Buffer.from("SSHSIG"),
      sshUint32(1),
      sshString(blob),
      sshString(options.namespace),
      sshString(""),
      sshString(hash),
      sshString(signature),
    ]);
    return sshsig.toString("base64");
  };

  const key: SoftwareFidoKey = {
    type,
    application,
    blob,
    publicLine: `${type} ${blob.toString("base64")} ${comment}`,
    privateKey,
    signUnchecked,
    sign(message, options) {
      const signature = signUnchecked(message, options);
      sshKeygenVerify(key, message, signature, options.namespace);
      return signature;
    },
  };
  return key;
}

/** How a request for `GET /whoami` is signed: by whom, for which host, with what authenticator answer. */
export interface FidoRequest extends Partial<FidoSignOptions> {
  username: string;
  host: string;
  /** Unix seconds (default now). */
  time?: number | undefined;
}

/**
 * `Authorization: SSHSIG …` for `GET /whoami` (empty body) signed by `key`: the SSHSIG-HTTP-1
 * message written out as the spec gives it, and `tamper` to rewrite the blob (not proved then:
 * such a signature is meant to be refused).
 */
export function fidoAuthorization(key: SoftwareFidoKey, request: FidoRequest, tamper?: (blob: Buffer) => Buffer): string {
  const { username, host, time = Math.floor(Date.now() / 1000), namespace = sshsigNamespace, ...sign } = request;
  const nonce = crypto.randomBytes(12).toString("hex");
  const digest = crypto.createHash("sha256").update("").digest("base64");
  const message = ["SSHSIG-HTTP-1", username, String(time), nonce, "GET", host, "/whoami", digest].join("\n");
  const signature = tamper
    ? tamper(Buffer.from(key.signUnchecked(message, { namespace, ...sign }), "base64")).toString("base64")
    : key.sign(message, { namespace, ...sign });
  return `SSHSIG username="${username}", time="${time}", nonce="${nonce}", signature="${signature}"`;
}
