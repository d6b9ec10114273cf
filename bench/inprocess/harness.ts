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

/** What carries a credential: an Authorization value, or headers of its own (RFC 9421's Signature-Input and Signature). */
export type BenchCredential = string | Readonly<Record<string, string>>;

/** Express's req.get, over the fake request's own headers: one function for every request. */
function getHeader(this: { headers: Record<string, string> }, name: string): string | undefined {
  return this.headers[name.toLowerCase()];
}

/**
 * The request a credential arrives on, built once per pool entry before timing starts: over
 * HTTP node:http builds it before passport runs, so its cost is no part of `authenticate`.
 */
export function fakeRequest(credential: BenchCredential): Request {
  const carried = typeof credential === "string" ? { authorization: credential } : credential;
  const headers: Record<string, string> = { ...carried, "user-agent": "bench", host: fakeRequestTarget.host };
  return {
    headers,
    method: fakeRequestTarget.method,
    url: fakeRequestTarget.target,
    originalUrl: fakeRequestTarget.target,
    ip: "127.0.0.1",
    get: getHeader,
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
export function authenticateOnce(strategy: SshKeyStrategy, req: Request): Promise<void> {
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
export async function verifyOnce(scheme: AnyCodec, store: MemoryStore, req: Request, credential: string): Promise<unknown> {
  const result = await verifyCredential(scheme, credential, fromExpressRequest(req), depsOf(store));
  if (isAuthError(result)) throw result;
  return result;
}

const discardEvents = { record: () => {}, flush: () => Promise.resolve() };

/** One set of ports per store, as the strategy keeps one per opened store. */
const depsByStore = new WeakMap<MemoryStore, PipelineDeps>();
function depsOf(store: MemoryStore): PipelineDeps {
  let deps = depsByStore.get(store);
  if (!deps) depsByStore.set(store, (deps = { keys: store.keys, replay: store.replay, events: discardEvents, now: Date.now, throttle: null }));
  return deps;
}

/** The credential of `authorization`, in the syntax `scheme` declares (as the strategy splits it); "" for one carried in headers of its own. */
export function credentialOf(authorization: BenchCredential, scheme?: AnyCodec): string {
  if (typeof authorization !== "string") return "";
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
