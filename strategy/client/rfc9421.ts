import crypto from "node:crypto";
import { parseItem } from "structured-headers";
import { isAuthError } from "../errors.js";
import { parseOptions } from "../options/parse-options.js";
import { checkComponentId, type ComponentId } from "../schemes/rfc9421/components.js";
import { contentDigest } from "../schemes/rfc9421/content-digest.js";
import { serializeSignature, serializeSignatureInput } from "../schemes/rfc9421/fields.js";
import type { HttpMessage } from "../schemes/rfc9421/message.js";
import { signatureBase, signatureParameters } from "../schemes/rfc9421/signature-base.js";
import { rfc9421HeadersOptionsSchema } from "./options.js";
import { httpSignature, httpSignatureAlgOf } from "./rfc9421-signature.js";
import type { Signer } from "./signer.js";

/** The signing choices `authorizationFor`-style callers pass through (`rfc9421: { … }`). */
export interface Rfc9421SigningOptions {
  /** The signature's label in both fields (default "sig1"): a structured-field key. */
  label?: string | undefined;
  /**
   * Covered components, in order: derived ones (`@method`, `@target-uri`, `@authority`,
   * `@path`, `@query`, `@query-param;name="q"`…) and field names (`content-type`). Default
   * `@method`, `@target-uri`; `content-digest` is added whenever there is a body.
   */
  components?: readonly string[] | undefined;
  /** Seconds the signature is good for: sets `expires` (default none: the server's maxAge decides). */
  expiresIn?: number | undefined;
  /** Default the key's `SHA256:…` fingerprint, as `ssh-keygen -lf` prints it: what the server looks the key up by. */
  keyid?: string | undefined;
}

export interface Rfc9421HeadersOptions extends Rfc9421SigningOptions {
  method: string;
  url: string | URL;
  /** The request's other headers, for covered field components. */
  headers?: ConstructorParameters<typeof Headers>[0] | undefined;
  /** The exact bytes sent (a string is sent as UTF-8): its Content-Digest is signed. */
  body?: string | Buffer | undefined;
  signer: Signer;
  /** Default 16 random bytes, base64url (22 characters). */
  nonce?: string | undefined;
  /** Unix seconds; default now. */
  created?: number | undefined;
}

/** The fields to send: `content-digest` only when there is a body. */
export interface Rfc9421Headers {
  "signature-input": string;
  signature: string;
  "content-digest"?: string;
}

const DEFAULT_LABEL = "sig1";

/**
 * RFC 9421 HTTP Message Signature fields for one request, signed with an SSH key (a key file
 * or an ssh-agent key): `keyid` is the key's fingerprint, `alg` the registered algorithm of
 * its type (ed25519, ecdsa-p256-sha256, ecdsa-p384-sha384, rsa-v1_5-sha256), `created` and a
 * random `nonce` are set, and a body is bound through its sha-256 Content-Digest (RFC 9530).
 * The signature base is built by the server's own modules (schemes/rfc9421/), so both sides
 * read one codec. Throws a TypeError for a key RFC 9421 has no algorithm for (P-521,
 * security keys), a component this implementation cannot derive or a field not in `headers`.
 *
 * @example
 * const signer = await loadKeyFileSigner("~/.ssh/id_ed25519");
 * const headers = await rfc9421Headers({ signer, method: "GET", url: "http://127.0.0.1:3000/whoami" });
 * await fetch("http://127.0.0.1:3000/whoami", { headers });
 */
export async function rfc9421Headers(options: Rfc9421HeadersOptions): Promise<Rfc9421Headers> {
  parseOptions(rfc9421HeadersOptionsSchema, options, "rfc9421Headers");
  const { signer, body } = options;
  const url = new URL(options.url);
  if (url.username !== "" || url.password !== "") throw new TypeError("rfc9421Headers: the URL must not carry a user name or password");
  // What fetch puts on the wire: the WHATWG URL's serialisation, without the fragment it never sends.
  url.hash = "";
  const headers = new Headers(options.headers);
  const digest = body === undefined ? undefined : contentDigest(body);
  if (digest !== undefined) headers.set("content-digest", digest);

  const names = [...(options.components ?? ["@method", "@target-uri"])];
  if (digest !== undefined && !names.includes("content-digest")) names.push("content-digest");
  const components = names.map(componentId);
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const message: HttpMessage = {
    method: options.method.toUpperCase(),
    targetUri: url.href,
    header: (name) => headers.get(name) ?? undefined,
  };
  const params = signatureParameters({
    created,
    expires: options.expiresIn === undefined ? undefined : created + options.expiresIn,
    nonce: options.nonce ?? crypto.randomBytes(16).toString("base64url"),
    // A key RFC 9421 has no algorithm for is refused here, before anything is signed.
    alg: httpSignatureAlgOf(signer.publicKey),
    keyid: options.keyid ?? signer.publicKey.fingerprintSha256,
  });
  let base: string;
  try {
    base = signatureBase(message, components, params);
  } catch (error) {
    throw isAuthError(error) ? new TypeError(`rfc9421Headers: ${error.message}`) : error;
  }
  const label = options.label ?? DEFAULT_LABEL;
  const { signature } = await httpSignature(signer, Buffer.from(base, "utf8"));
  return {
    "signature-input": serializeSignatureInput(label, components, params),
    signature: serializeSignature(label, signature),
    ...(digest !== undefined && { "content-digest": digest }),
  };
}

/** `content-type`, `@method` or `@query-param;name="q"` → a checked component id. */
function componentId(text: string): ComponentId {
  const semicolon = text.indexOf(";");
  const name = semicolon < 0 ? text : text.slice(0, semicolon);
  let component: ComponentId;
  try {
    const [, params] = parseItem(`${JSON.stringify(name)}${semicolon < 0 ? "" : text.slice(semicolon)}`);
    component = { name, params };
  } catch {
    throw new TypeError(`rfc9421Headers: ${JSON.stringify(text)} is not a component (a field name or @component, parameters as ;name="…")`);
  }
  try {
    checkComponentId(component);
  } catch (error) {
    throw isAuthError(error) ? new TypeError(`rfc9421Headers: ${error.message}`) : error;
  }
  return component;
}
