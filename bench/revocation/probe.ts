// Requests to one instance's /whoami. Every request carries a fresh token: tokens are
// single-use, so a reused one would be refused as a replay, not as a revocation.
import { createJwtAuthorization, type ClientSigner } from "../../strategy/client/index.js";
import { sleep } from "../lib/stats.js";

export interface Identity {
  username: string;
  signer: ClientSigner;
}

export interface Answer {
  status: number;
  /** The error code of a refusal. */
  code?: string | undefined;
}

export async function whoami(baseUrl: string, who: Identity): Promise<Answer> {
  const authorization = await createJwtAuthorization({ signer: who.signer, username: who.username });
  const response = await fetch(`${baseUrl}/whoami`, { headers: { authorization } });
  const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
  return { status: response.status, code: body?.error?.code };
}

export const accepted = (a: Answer) => a.status === 200;
export const revoked = (a: Answer) => a.status === 401 && a.code === "key_revoked";

export type PollResult = { ms: number; answer: Answer } | { ms: null; answer: Answer };

/**
 * Asks every `intervalMs` (start to start) until `done`; `since` is a performance.now() instant.
 * `ms` is measured at the arrival of the first answer that satisfies it (so it includes
 * up to one interval plus one round trip); null after `timeoutMs`, with the last answer.
 */
export async function pollUntil(
  baseUrl: string,
  who: Identity,
  done: (a: Answer) => boolean,
  { since, intervalMs, timeoutMs }: { since: number; intervalMs: number; timeoutMs: number },
): Promise<PollResult> {
  for (;;) {
    const sent = performance.now();
    const answer = await whoami(baseUrl, who);
    const ms = performance.now() - since;
    if (done(answer)) return { ms, answer };
    if (ms > timeoutMs) return { ms: null, answer };
    await sleep(Math.max(0, sent + intervalMs - performance.now()));
  }
}

export function describe(a: Answer): string {
  return a.code ? `${a.status} ${a.code}` : String(a.status);
}
