// Drives SshKeyStrategy.authenticate and the verification pipeline the way passport does,
// with a fake request, and times loops of them against a synchronous raw-crypto loop.
import type { Request } from "express";
import {
  authFailureOf,
  fromExpressRequest,
  isAuthError,
  parseAuthorization,
  verifyCredential,
  type AnyCodec,
  type PipelineDeps,
  type SshKeyStrategy,
} from "../../strategy/index.js";
import type { MemoryStore } from "./memory-store.js";

/** The one request every in-process credential is verified on (SSHSIG signs its method, host and target). */
export const fakeRequestTarget = { method: "GET", host: "127.0.0.1", target: "/whoami" } as const;

function fakeRequest(authorization: string): Request {
  const headers: Record<string, string> = { authorization, "user-agent": "bench", host: fakeRequestTarget.host };
  return {
    headers,
    method: fakeRequestTarget.method,
    url: fakeRequestTarget.target,
    originalUrl: fakeRequestTarget.target,
    ip: "127.0.0.1",
    get: (name: string) => headers[name.toLowerCase()],
  } as unknown as Request;
}

type PassportActions = {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(error: unknown): void;
  pass(): void;
  redirect(url: string): void;
};

/** One `strategy.authenticate(req)` as passport runs it (a per-request object with the action hooks). */
export function authenticateOnce(strategy: SshKeyStrategy, authorization: string): Promise<void> {
  const req = fakeRequest(authorization);
  return new Promise<void>((resolve, reject) => {
    const s = Object.create(strategy) as PassportActions & { authenticate(req: Request, options?: Record<string, unknown>): void };
    s.success = () => resolve();
    s.fail = (_challenge, status) => reject(new Error(`refused (${status}): ${authFailureOf(req)?.code ?? "?"} ${authFailureOf(req)?.message ?? ""}`));
    s.error = (error) => reject(error instanceof Error ? error : new Error(String(error)));
    s.pass = () => reject(new Error("pass() called"));
    s.redirect = () => reject(new Error("redirect() called"));
    s.authenticate(req, { session: false });
  });
}

/** The pipeline over one codec alone: header already split, no passport hooks; events go nowhere. */
export async function verifyOnce(scheme: AnyCodec, store: MemoryStore, authorization: string, credential: string): Promise<unknown> {
  const deps: PipelineDeps = { keys: store.keys, replay: store.replay, events: discardEvents, now: Date.now, throttle: null };
  const result = await verifyCredential(scheme, credential, fromExpressRequest(fakeRequest(authorization)), deps);
  if (isAuthError(result)) throw result;
  return result;
}

const discardEvents = { record: () => {}, flush: () => Promise.resolve() };

/** The credential of `authorization`, in the syntax `scheme` declares (as the strategy splits it). */
export function credentialOf(authorization: string, scheme?: AnyCodec): string {
  const parsed = parseAuthorization(authorization, () => scheme?.credentialSyntax ?? "token68");
  if (parsed.kind !== "credential") throw new Error(`bench built a bad Authorization header: ${parsed.kind}`);
  return parsed.credential;
}

/** ops/s of an async operation run back to back for about `ms`. */
export async function opsPerSecondAsync(op: () => Promise<unknown>, ms: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  let elapsed = 0;
  do {
    for (let k = 0; k < 32; k++) await op();
    n += 32;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return (n / elapsed) * 1000;
}

/** ops/s of a synchronous operation run back to back for about `ms`. */
export function opsPerSecondSync(op: () => boolean, ms: number): number {
  const t0 = performance.now();
  let n = 0;
  let elapsed = 0;
  do {
    for (let k = 0; k < 32; k++) if (!op()) throw new Error("raw verification returned false");
    n += 32;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return (n / elapsed) * 1000;
}
