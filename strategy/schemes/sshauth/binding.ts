import { createHash } from "node:crypto";
import type { SshauthAction } from "./signed-message.js";

/**
 * Request binding for sshauth over HTTP, convention "v1" (this project's, not upstream's:
 * sshauth only says "agree on an action list"). Client and server both call
 * `bindingActions`; any difference in any field makes the signature fail.
 *
 * The list, always these five pairs in this order:
 *
 *   ["sshauth-binding", "v1"]          version marker; a future convention changes it
 *   ["method", <METHOD>]               request method, ASCII-uppercased ("get" → "GET")
 *   ["path", <path-and-query>]         the request target exactly as sent on the
 *                                      request line (origin-form): path plus "?query"
 *                                      if any, no fragment, no decoding, no
 *                                      normalisation, no trailing-slash or "?" trimming.
 *                                      Server: Node's `req.url` before any routing /
 *                                      Express's `req.originalUrl`. Client: what its HTTP
 *                                      library puts on the wire; for fetch/undici that is
 *                                      `url.pathname + url.search` of the WHATWG URL
 *                                      (already percent-encoded). Never empty: "" → "/".
 *   ["host", <host>]                   the Host header (HTTP/1.1) or :authority (HTTP/2)
 *                                      as sent, ASCII-lowercased, port kept when present
 *                                      ("Example.COM:8443" → "example.com:8443"). Behind a
 *                                      proxy that rewrites Host the server passes its
 *                                      public host name instead.
 *   ["body-sha256", <digest>]          base64url (no padding) SHA-256 of the body bytes
 *                                      exactly as transmitted (after any Content-Encoding,
 *                                      before Transfer-Encoding). No body, or an empty
 *                                      one, hashes the empty string:
 *                                      "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".
 *                                      A string body is taken as its UTF-8 bytes.
 *
 * Values are not otherwise validated: this is a pure function of its inputs and never
 * throws for string/byte input, so the server can call it on anything a client sent.
 * The token's own timestamp and the magic prefix complete the binding; the application
 * should choose its own magic (e.g. "myapp-v1") so tokens for other systems never verify.
 */

export const BINDING_VERSION = "v1";

export interface BindingRequest {
  method: string;
  /** Path and query as on the request line, e.g. "/v1/things?x=1". */
  pathWithQuery: string;
  host: string;
  /** The body bytes; undefined/null for no body. */
  body?: Uint8Array | string | null | undefined;
}

export function bodySha256(body: Uint8Array | string | null | undefined): string {
  const hash = createHash("sha256");
  if (typeof body === "string") hash.update(body, "utf8");
  else if (body !== null && body !== undefined) hash.update(body);
  return hash.digest("base64url");
}

function asciiUpper(value: string): string {
  return value.replace(/[a-z]+/g, (s) => s.toUpperCase());
}

function asciiLower(value: string): string {
  return value.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export function bindingActions(request: BindingRequest): SshauthAction[] {
  return [
    ["sshauth-binding", BINDING_VERSION],
    ["method", asciiUpper(request.method)],
    ["path", request.pathWithQuery === "" ? "/" : request.pathWithQuery],
    ["host", asciiLower(request.host)],
    ["body-sha256", bodySha256(request.body)],
  ];
}
