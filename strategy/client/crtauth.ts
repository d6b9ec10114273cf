import { isAuthError } from "../errors.js";
import { crtauthKeyTypes } from "../keys/algorithms.js";
import { decodeBase64Url } from "../schemes/crtauth/base64.js";
import { createRequest, createResponse } from "../schemes/crtauth/client.js";
import { decodeLegacyChallenge, decodeVerifiablePayload } from "../schemes/crtauth/legacy.js";
import { decodeChallenge, decodeToken } from "../schemes/crtauth/messages.js";
import type { Signer } from "./signer.js";
import { SshKeyError } from "../errors.js";
import { parseOptions } from "../options/parse-options.js";
import { crtauthLoginOptionsSchema } from "./options.js";

export type CrtauthLoginErrorCode =
  /** The server answered the handshake with an error status (403: unknown user, bad signature…). */
  | "handshake_refused"
  /** The server's answer lacks the expected `X-CHAP: challenge:` / `token:` header. */
  | "handshake_protocol_error"
  /** The challenge names another server than the URL's host (possible man in the middle). */
  | "wrong_server";

/** The crtauth handshake failed; `status` is the HTTP status when the server answered one. */
export class CrtauthLoginError extends SshKeyError<CrtauthLoginErrorCode> {
  override readonly name = "CrtauthLoginError";
  constructor(
    code: CrtauthLoginErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(code, message);
  }
}

export interface CrtauthLoginOptions {
  username: string;
  /** An RSA key (agentSigner or loadKeyFileSigner); it signs with ssh-rsa (SHA-1) like upstream clients. */
  signer: Signer;
  /** Server name the challenge must carry; default the URL's host without port (as requests-crtauth). */
  serverName?: string | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * The crtauth handshake against `baseUrl`'s origin, as requests-crtauth does it: `HEAD /_auth`
 * with `X-CHAP: request:…`, sign the challenge, `HEAD /_auth` with `X-CHAP: response:…`.
 * Resolves with the token for `Authorization: chap:<token>`.
 *
 * @example
 * const token = await crtauthLogin("https://api.example.com", { username: "alice", signer: await agentSigner() });
 * await fetch(url, { headers: { authorization: `chap:${token}` } });
 */
export async function crtauthLogin(baseUrl: string | URL, options: CrtauthLoginOptions): Promise<string> {
  parseOptions(crtauthLoginOptionsSchema, options, "crtauthLogin");
  if (!crtauthKeyTypes.has(options.signer.publicKey.type)) throw new TypeError("crtauth can only sign with an RSA key");
  return (await handshake(baseUrl, options, () => options.signer)).token;
}

/**
 * The crtauth handshake with several RSA keys (e.g. all of an ssh-agent's): signs with the
 * key the server's challenge names (its fingerprint prefix), else the first one, since the
 * server accepts any of the user's RSA keys. Resolves with the token and the key that signed.
 */
export async function crtauthLoginWithKeys(
  baseUrl: string | URL,
  options: Omit<CrtauthLoginOptions, "signer"> & { signers: readonly Signer[] },
): Promise<{ token: string; signer: Signer }> {
  const rsa = options.signers.filter((s) => crtauthKeyTypes.has(s.publicKey.type));
  if (rsa.length === 0) throw new TypeError("crtauth can only sign with an RSA key");
  return handshake(baseUrl, options, (challenge) => {
    const named = challengeFingerprint(challenge);
    return rsa.find((s) => s.publicKey.crtauthFingerprint === named) ?? rsa[0]!;
  });
}

/** Hex of the key fingerprint prefix a challenge names, or null when it cannot be read (the signing step then says why). */
function challengeFingerprint(challengeText: string): string | null {
  try {
    const bytes = decodeBase64Url(challengeText);
    const fields = bytes[0] === 0x76 /* v: version 0 */ ? decodeLegacyChallenge(decodeVerifiablePayload(bytes).payload) : decodeChallenge(bytes);
    return fields.fingerprint.toString("hex");
  } catch {
    return null;
  }
}

async function handshake(
  baseUrl: string | URL,
  options: Omit<CrtauthLoginOptions, "signer">,
  choose: (challengeText: string) => Signer,
): Promise<{ token: string; signer: Signer }> {
  const base = new URL(baseUrl);
  const authUrl = new URL("/_auth", base.origin);
  const doFetch = options.fetch ?? fetch;
  const step = async (chap: string, expect: "challenge" | "token"): Promise<string> => {
    const res = await doFetch(authUrl, { method: "HEAD", headers: { "X-CHAP": chap }, redirect: "manual" });
    if (res.status >= 400) {
      const code = res.headers.get("x-sshkey-error");
      throw new CrtauthLoginError(
        "handshake_refused",
        `crtauth ${expect === "challenge" ? "challenge request" : "response"} refused: HTTP ${res.status}${code ? ` (${code})` : ""}`,
        res.status,
      );
    }
    const value = res.headers.get("x-chap")?.trim() ?? "";
    const prefix = `${expect}:`;
    if (!value.startsWith(prefix)) {
      throw new CrtauthLoginError("handshake_protocol_error", `the server's answer has no X-CHAP ${expect}`, res.status);
    }
    return value.slice(prefix.length).trim();
  };

  const challenge = await step(`request:${createRequest(options.username)}`, "challenge");
  const signer = choose(challenge);
  let response: string;
  try {
    // URL.hostname keeps IPv6 brackets; crtauth server names never contain them anyway.
    response = (await createResponse(challenge, signer, { expectedServerName: options.serverName ?? base.hostname })).text;
  } catch (error) {
    if (isAuthError(error)) {
      throw new CrtauthLoginError(error.code === "wrong_server" ? "wrong_server" : "handshake_protocol_error", error.message);
    }
    throw error;
  }
  return { token: await step(`response:${response}`, "token"), signer };
}

/**
 * How long a token is good for, in ms from when it was received: the server's
 * `valid_to − (valid_from + 2 s)`, read from the token without checking it (clients treat
 * tokens as opaque; this only drives caching). Null when the token is not a v1 token.
 */
export function crtauthTokenLifetimeMs(token: string): number | null {
  try {
    const t = decodeToken(decodeBase64Url(token));
    return Math.max(0, (t.validTo - t.validFrom - 2) * 1000);
  } catch {
    return null;
  }
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** Tokens are renewed this long before the server would refuse them. */
const RENEW_MARGIN_MS = 10_000;
/** Assumed lifetime when a token cannot be read (upstream's default). */
const DEFAULT_LIFETIME_MS = 60_000;

/** Tokens per (origin, username, key), renewed shortly before they expire. */
export class CrtauthTokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  private key(origin: string, username: string, signer: Signer): string {
    return JSON.stringify([origin, username, signer.publicKey.fingerprintSha256]);
  }

  async get(url: URL, options: CrtauthLoginOptions & { now?: (() => number) | undefined; fresh?: boolean | undefined }): Promise<string> {
    const now = options.now ?? Date.now;
    const key = this.key(url.origin, options.username, options.signer);
    const cached = this.tokens.get(key);
    if (cached && !options.fresh && now() < cached.refreshAt) return cached.token;
    const receivedAt = now();
    const { username, signer, serverName, fetch } = options;
    const token = await crtauthLogin(url.origin, { username, signer, serverName, fetch });
    const lifetime = crtauthTokenLifetimeMs(token) ?? DEFAULT_LIFETIME_MS;
    this.tokens.set(key, { token, refreshAt: receivedAt + lifetime - Math.min(RENEW_MARGIN_MS, lifetime / 2) });
    return token;
  }

  forget(url: URL, username: string, signer: Signer): void {
    this.tokens.delete(this.key(url.origin, username, signer));
  }

  clear(): void {
    this.tokens.clear();
  }
}

/** The cache authorizationFor/sshkeyFetch use for scheme "crtauth". */
export const crtauthTokens = new CrtauthTokenCache();
