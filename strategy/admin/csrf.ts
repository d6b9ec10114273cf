import crypto from "node:crypto";
import type { Request } from "express";
import { AdminError } from "./errors.js";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutating(req: Request): boolean {
  return !safeMethods.has(req.method);
}

/** Equal strings, compared in constant time (over SHA-256 digests, so lengths may differ). */
function constantTimeEqual(a: string, b: string): boolean {
  const x = crypto.createHash("sha256").update(a).digest();
  const y = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(x, y) && a.length === b.length;
}

/** Refuses a request a browser sent from another site: a foreign Origin, or Sec-Fetch-Site: cross-site. */
export function checkOrigin(req: Request): void {
  const origin = req.get("origin");
  if (origin !== undefined) {
    const own = `${req.protocol}://${req.get("host") ?? ""}`;
    if (origin.toLowerCase() !== own.toLowerCase()) throw new AdminError("cross_origin", "cross-site requests are refused");
  }
  if (req.get("sec-fetch-site") === "cross-site") throw new AdminError("cross_origin", "cross-site requests are refused");
}

/** The session's CSRF token must come back in X-CSRF-Token on every mutating request. */
export function checkCsrf(req: Request, csrfToken: string): void {
  const sent = req.get("x-csrf-token");
  if (!sent) throw new AdminError("csrf_failed", "this request needs the X-CSRF-Token header from GET /api/me");
  if (!constantTimeEqual(sent, csrfToken)) throw new AdminError("csrf_failed", "the X-CSRF-Token header does not match this session");
}
