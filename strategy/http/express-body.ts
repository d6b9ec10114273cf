import type { Request } from "express";
import { hasBody, unbindable } from "./body-fault.js";

/**
 * The raw body of an Express request, for request binding (binding.ts hashes exactly these).
 *
 *   - no body on the wire                → empty body;
 *   - `req.body` is a Buffer             → those bytes (express.raw(), the exact form);
 *   - `req.body` is a string             → its UTF-8 bytes (express.text(); exact for UTF-8 bodies);
 *   - `req.rawBody` is a Buffer          → those bytes: the wire bytes a parser's `verify` hook
 *     kept (`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`);
 *   - a body parser ran and left anything else (express.json(), urlencoded…): the wire
 *     bytes are gone and re-serialising would be a guess → refused (`binding_mismatch`);
 *   - no parser ran and the stream is unread → read here, at most `maxBytes`, and left in
 *     `req.body` as a Buffer with `req._body = true`, so a parser mounted after
 *     authentication skips the body instead of waiting for bytes already consumed.
 */
export async function readExpressBody(req: Request, maxBytes: number): Promise<Buffer | string> {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body) || typeof body === "string") return body;
  const kept: unknown = (req as Request & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(kept)) return kept;
  if (!hasBody(req.headers)) return Buffer.alloc(0);
  const parsed = (req as Request & { _body?: unknown })._body === true;
  if (parsed || req.readableEnded || req.readableDidRead) {
    throw unbindable(
      "parsed",
      "its body was consumed or parsed before authentication; mount express.raw() (or express.text()) for this route so the exact bytes stay available",
    );
  }
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onError);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        cleanup();
        req.resume(); // drain and discard the rest, so the refusal can still be answered
        reject(unbindable("too_large", `the body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      cleanup();
      reject(unbindable("unreadable", "the body could not be read"));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onError);
  });
  req.body = raw;
  (req as Request & { _body?: boolean })._body = true;
  return raw;
}
