import { AuthError } from "../errors.js";
import type { KeyRateLimit } from "./key-limits.js";
import type { KeyCandidate, KeyLimitStore } from "../store/ports.js";

/**
 * Counts one sign-in against the key's rate limit (its own, else the strategy's default) in a
 * fixed window shared by every instance through the store; past the limit refuses with
 * `rate_limited` and the seconds until the window ends. Runs after the signature verified, so
 * a stranger cannot spend another key's budget. A key without a limit costs nothing here.
 */
export function countSignIn(
  limits: KeyLimitStore | undefined,
  signer: KeyCandidate,
  defaultLimit: KeyRateLimit | null | undefined,
  nowMs: number,
): void | Promise<void> {
  const limit = signer.key.rateLimit ?? defaultLimit;
  if (!limits || !limit || signer.key.certifiedBy || signer.key.fromJwks) return;
  return countInWindow(limits, signer, limit, nowMs);
}

async function countInWindow(limits: KeyLimitStore, signer: KeyCandidate, limit: KeyRateLimit, nowMs: number): Promise<void> {
  const windowMs = limit.windowSeconds * 1000;
  const start = Math.floor(nowMs / windowMs) * windowMs;
  const end = start + windowMs;
  const count = await limits.countInWindow(`key:${signer.key.id}:${limit.windowSeconds}`, new Date(start), new Date(end));
  if (count <= limit.count) return;
  const retryAfterSeconds = Math.max(1, Math.ceil((end - nowMs) / 1000));
  throw new AuthError("rate_limited", `this key may sign in ${limit.count} times per ${limit.windowSeconds} s; retry in ${retryAfterSeconds} s`, {
    detail: { userId: signer.user.id, keyId: signer.key.id, retryAfterSeconds },
  });
}
