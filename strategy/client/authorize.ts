import { sshKeyType } from "../keys/algorithms.js";
import { bindingActions } from "../schemes/sshauth/binding.js";
import { signSshauthToken } from "../schemes/sshauth/sign.js";
import { isValidSshauthIdentity } from "../schemes/sshauth/token-codec.js";
import { crtauthTokens } from "./crtauth.js";
import { createJwtAuthorization } from "./jwt.js";
import { rfc9421Headers, type Rfc9421SigningOptions } from "./rfc9421.js";
import { sshsigAuthorization } from "./sshsig.js";
import type { Signer } from "./signer.js";
import { parseOptions } from "../options/parse-options.js";
import { authorizeOptionsSchema } from "./options.js";

export type ClientScheme = "jwt" | "sshauth" | "crtauth" | "sshsig" | "rfc9421";

/** The request a credential is made for (schemes that bind the request need all of it). */
export interface RequestToSign {
  url: URL;
  method: string;
  body?: string | Buffer | undefined;
}

export interface AuthorizeOptions {
  scheme: ClientScheme;
  signer: Signer;
  /** Every scheme but rfc9421 names the user; there the key (its fingerprint, `keyid`) does. */
  username?: string | undefined;
  now?: (() => number) | undefined;
  /**
   * sshauth: `bind` signs the v1 request binding (method, path+query, host, body digest;
   * the server must have binding on), `magic` the 8-byte application prefix (default
   * "byo.e.m."), `includeFingerprint` puts the key's fingerprint in the token (default true).
   */
  sshauth?: { bind?: boolean | undefined; magic?: string | undefined; includeFingerprint?: boolean | undefined } | undefined;
  /** jwt: the `aud` claim, for a server that checks it (`jwt: { audience }`); omit it for upstream servers. */
  jwt?: { audience?: string | undefined } | undefined;
  /** sshsig: the server's `namespace` (default "http@passport-sshkey"), the Host it sees when a proxy rewrites it. */
  sshsig?: { namespace?: string | undefined; host?: string | undefined } | undefined;
  /** rfc9421: the signature's label, covered components, `expires` and `keyid` (see rfc9421Headers). */
  rfc9421?: Rfc9421SigningOptions | undefined;
}

/** The Authorization header value for one request, in the chosen scheme. */
export async function authorizationFor(options: AuthorizeOptions, request: RequestToSign): Promise<string> {
  parseOptions(authorizeOptionsSchema, options, "authorizationFor");
  if (options.scheme === "rfc9421") {
    throw new TypeError(
      "authorizationFor: rfc9421 signs with Signature-Input and Signature headers, not Authorization: use requestHeadersFor or rfc9421Headers",
    );
  }
  const username = options.username;
  if (username === undefined) throw new TypeError(`authorizationFor: ${options.scheme} needs a username`);
  if (options.scheme !== "sshsig" && sshKeyType(options.signer.publicKey.type).securityKey) {
    throw new TypeError(`${options.scheme} cannot sign with the security key ${options.signer.publicKey.fingerprintSha256}: only sshsig can`);
  }
  switch (options.scheme) {
    case "jwt":
      return createJwtAuthorization({ signer: options.signer, username, now: options.now, audience: options.jwt?.audience });
    case "sshauth": {
      const { bind = false, magic, includeFingerprint = true } = options.sshauth ?? {};
      // Upstream identities are file names ([A-Za-z0-9_-]{2,}): a username such as
      // "alice.smith" or "bob@example.com" cannot be one, so the token names the key by its
      // fingerprint alone and the server finds the user from the key.
      const identity = isValidSshauthIdentity(username) ? username : undefined;
      if (identity === undefined && !includeFingerprint) {
        throw new TypeError(
          `the username ${JSON.stringify(username)} cannot be an sshauth identity (upstream allows only [A-Za-z0-9_-]{2,}); include the key fingerprint instead`,
        );
      }
      const token = await signSshauthToken({
        signer: options.signer,
        identity,
        includeFingerprint: includeFingerprint || identity === undefined,
        magic,
        // What fetch puts on the wire: the WHATWG URL's path+query and host (port kept).
        actions: bind
          ? bindingActions({
              method: request.method,
              pathWithQuery: request.url.pathname + request.url.search,
              host: request.url.host,
              body: request.body ?? null,
            })
          : [],
        timestamp: Math.floor((options.now ?? Date.now)() / 1000),
      });
      return `Bearer ${token}`;
    }
    case "sshsig":
      return sshsigAuthorization({ ...options.sshsig, signer: options.signer, username, now: options.now, ...request });
    case "crtauth":
      // Handshake against the request's origin; the token is cached per (origin, user, key).
      return `chap:${await crtauthTokens.get(request.url, { username, signer: options.signer, now: options.now })}`;
    default:
      throw new TypeError(`unknown scheme ${JSON.stringify(options.scheme)}`);
  }
}

/**
 * The headers that authenticate one request in the chosen scheme: `authorization`, or for
 * rfc9421 `signature-input`, `signature` and (with a body) `content-digest`. `headers` are the
 * request's others, which rfc9421 `components` may cover.
 */
export async function requestHeadersFor(options: AuthorizeOptions, request: RequestToSign, headers?: Headers): Promise<Record<string, string>> {
  if (options.scheme !== "rfc9421") return { authorization: await authorizationFor(options, request) };
  parseOptions(authorizeOptionsSchema, options, "requestHeadersFor");
  const nowMs = (options.now ?? Date.now)();
  // Spread into a plain record: the interface has no index signature.
  return {
    ...(await rfc9421Headers({
      ...options.rfc9421,
      signer: options.signer,
      method: request.method,
      url: request.url,
      body: request.body,
      headers,
      created: Math.floor(nowMs / 1000),
    })),
  };
}

/**
 * fetch() with an SSH-signed Authorization header made fresh for each call (rfc9421: the
 * Signature-Input, Signature and Content-Digest headers).
 *
 * @example
 * const signer = await agentSigner();
 * const res = await sshkeyFetch("https://api.example.com/whoami", {}, { scheme: "jwt", signer, username: "alice" });
 */
export async function sshkeyFetch(input: string | URL, init: RequestInit, options: AuthorizeOptions): Promise<Response> {
  const url = new URL(input);
  const method = (init.method ?? "GET").toUpperCase();
  const body = typeof init.body === "string" || Buffer.isBuffer(init.body) ? init.body : undefined;
  if (init.body !== undefined && init.body !== null && body === undefined) {
    throw new TypeError("sshkeyFetch: body must be a string or Buffer, so it can be signed");
  }
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(await requestHeadersFor(options, { url, method, body }, headers))) headers.set(name, value);
  const response = await fetch(url, { ...init, method, headers, body: body ?? null });
  if (response.status !== 401 || options.scheme !== "crtauth") return response;
  // crtauth tokens are bearer tokens the server may stop honouring (expiry, secret
  // rotation): like requests-crtauth, redo the handshake once on a 401 and retry.
  await response.body?.cancel();
  // authorizationFor has refused a crtauth request without a username by now.
  crtauthTokens.forget(url, options.username!, options.signer);
  headers.set("authorization", await authorizationFor(options, { url, method, body }));
  return fetch(url, { ...init, method, headers, body: body ?? null });
}
