import { expect } from "vitest";

/**
 * Milliseconds from `since` until `attempt` is first answered 401 (with error `code`),
 * trying every 25 ms; Infinity when it is still accepted 5 s later. For changes made
 * elsewhere (another process, another store) that must reach a server within a bound.
 */
export async function msUntilRefused(attempt: () => Promise<{ status: number; body: any }>, since: number, code: string): Promise<number> {
  for (;;) {
    const r = await attempt();
    if (r.status === 401) {
      expect(r.body.error.code).toBe(code);
      return Date.now() - since;
    }
    if (Date.now() - since > 5000) return Infinity;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
