import { createJwtAuthorization } from "./jwt.js";
import type { Signer } from "./signer.js";

export type ClientScheme = "jwt";

/** The request a credential is made for (schemes that bind the request need all of it). */
export interface RequestToSign {
  url: URL;
  method: string;
  body?: string | Buffer;
}

export interface AuthorizeOptions {
  scheme: ClientScheme;
  signer: Signer;
  username: string;
  now?: () => number;
}

/** The Authorization header value for one request, in the chosen scheme. */
export async function authorizationFor(options: AuthorizeOptions, _request: RequestToSign): Promise<string> {
  switch (options.scheme) {
    case "jwt":
      return createJwtAuthorization({ signer: options.signer, username: options.username, now: options.now });
    default:
      throw new TypeError(`unknown scheme ${JSON.stringify(options.scheme)}`);
  }
}

/**
 * fetch() with an SSH-signed Authorization header made fresh for each call.
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
  headers.set("authorization", await authorizationFor(options, { url, method, body }));
  return fetch(url, { ...init, method, headers, body });
}
