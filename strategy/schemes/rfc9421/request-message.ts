import type { Request } from "express";
import type { RequestView } from "../../core/request-view.js";
import { AuthError } from "../../errors.js";
import type { HttpMessage } from "./message.js";
import type { Rfc9421Settings } from "./options.js";

/** The application's `targetUri`; what it returns is application code, so a non-string is a programming error. */
async function applicationTargetUri(targetUri: (req: Request) => string | Promise<string>, req: Request): Promise<string> {
  const uri: unknown = await targetUri(req);
  if (typeof uri !== "string") throw new TypeError("rfc9421 scheme: targetUri must return a string");
  return uri;
}

/**
 * The request as RFC 9421 derives its components: the target URI from `targetUri(req)`, or
 * `origin` and the target as received, or the adapter's scheme (trust proxy applied) and the
 * Host header. A request without Host has no authority to sign, so it cannot be verified.
 */
export async function requestMessage(view: RequestView, settings: Rfc9421Settings): Promise<HttpMessage> {
  let targetUri: string;
  if (settings.targetUri) targetUri = await applicationTargetUri(settings.targetUri, view.source as Request);
  else if (settings.origin !== undefined) targetUri = settings.origin + view.target;
  else if (view.host !== "") targetUri = `${view.scheme ?? "http"}://${view.host}${view.target}`;
  else throw new AuthError("component_missing", "the request has no Host header, so its target URI cannot be derived");
  return { method: view.method, targetUri, header: (name) => view.header(name) };
}

/** Does the request carry a body on the wire (RFC 9112 §6.3), which its signature must then cover through Content-Digest? */
export function declaresBody(view: RequestView): boolean {
  if (view.header("transfer-encoding") !== undefined) return true;
  const length = view.header("content-length");
  return length !== undefined && length !== "0";
}
