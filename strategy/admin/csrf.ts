import crypto from "node:crypto";
import type { Request } from "express";
import { AdminError } from "./errors.js";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutating(req: Request): boolean {
  return !safeMethods.has(req.method);
}

/** Equal strings, compared in constant time (over SHA-256 digests, so lengths may differ). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = crypto.createHash("sha256").update(a).digest();
  const y = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(x, y) && a.length === b.length;
}

/**
 * Refuses a request a browser sent from another site: a foreign Origin, or Sec-Fetch-Site:
 * cross-site. `opaqueOrigin`: a form posted from a page with `Referrer-Policy: no-referrer`
 * says `Origin: null`; then Sec-Fetch-Site, where the browser sends it, must say same-origin.
 */
export function checkOrigin(req: Request, options: { opaqueOrigin?: boolean } = {}): void {
  const origin = req.get("origin");
  const site = req.get("sec-fetch-site");
  if (origin === "null" && options.opaqueOrigin) {
    if (site !== undefined && site !== "same-origin") throw new AdminError("cross_origin", "cross-site requests are refused");
  } else if (origin !== undefined) {
    const own = `${req.protocol}://${req.get("host") ?? ""}`;
    if (origin.toLowerCase() !== own.toLowerCase()) throw new AdminError("cross_origin", "cross-site requests are refused");
  }
  if (site === "cross-site") throw new AdminError("cross_origin", "cross-site requests are refused");
}

/** The session's CSRF token must come back in X-CSRF-Token on every mutating request. */
export function checkCsrf(req: Request, csrfToken: string): void {
  const sent = req.get("x-csrf-token");
  if (!sent) throw new AdminError("csrf_failed", "this request needs the X-CSRF-Token header from GET /api/me");
  if (!constantTimeEqual(sent, csrfToken)) throw new AdminError("csrf_failed", "the X-CSRF-Token header does not match this session");
}
