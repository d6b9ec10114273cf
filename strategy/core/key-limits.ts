/**
 * The rules of a key's scopes and rate limit: what a scope name may be, how many a key may carry,
 * how a limit is written (`100/60s`), and whether a key's scopes cover a route's. Read by the
 * pipeline, the stores, the admin API's contract, the CLI and (through the contract) the console:
 * pure data and functions.
 */

/** RFC 6749 §3.3 allows any printable ASCII but space, quote and backslash; this is the sane subset. */
const scopePattern = /^[a-z0-9:._-]{1,64}$/;
export const maxScopesPerKey = 32;

/** Longest window and largest count a per-key limit may have (a day; a million sign-ins). */
export const maxRateWindowSeconds = 86_400;
export const maxRateCount = 1_000_000;

/** At most `count` sign-ins per `windowSeconds` (a fixed window, shared by every instance). */
export interface KeyRateLimit {
  count: number;
  windowSeconds: number;
}

/** A scope list or rate limit that breaks the rules; `message` says which rule. */
export class KeyLimitError extends Error {
  override readonly name = "KeyLimitError";
}

/** Whether `name` is a scope token this library accepts. */
export function isScopeName(name: string): boolean {
  return scopePattern.test(name);
}

/**
 * Scopes given as a list or as text separated by commas or spaces (`deploy,read`), checked,
 * deduplicated and sorted. An empty list is valid: a key limited to no scope passes no scoped route.
 */
export function parseScopes(input: string | readonly string[]): string[] {
  const names = typeof input === "string" ? input.split(/[\s,]+/).filter((s) => s !== "") : [...input];
  if (names.length > maxScopesPerKey * 4) throw new KeyLimitError(`a key carries at most ${maxScopesPerKey} scopes`);
  const bad = names.find((name) => typeof name !== "string" || !isScopeName(name));
  if (bad !== undefined) {
    const shown = String(bad).slice(0, 70);
    throw new KeyLimitError(`${JSON.stringify(shown)} is not a scope name: use 1 to 64 of a-z 0-9 : . _ -`);
  }
  const unique = [...new Set(names)].sort();
  if (unique.length > maxScopesPerKey) throw new KeyLimitError(`a key carries at most ${maxScopesPerKey} scopes`);
  return unique;
}

/** The stored form (one column, space-separated; null: unrestricted) and back. */
export function scopesColumn(scopes: readonly string[] | null): string | null {
  return scopes === null ? null : scopes.join(" ");
}

export function scopesOfColumn(column: string | null): string[] | null {
  return column === null ? null : column.split(" ").filter((s) => s !== "");
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A count and window, each checked against the bounds. */
export function checkRateLimit(limit: KeyRateLimit): KeyRateLimit {
  const { count, windowSeconds } = limit;
  if (!Number.isSafeInteger(count) || count < 1 || count > maxRateCount) {
    throw new KeyLimitError(`a rate limit's count must be a whole number from 1 to ${maxRateCount}`);
  }
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > maxRateWindowSeconds) {
    throw new KeyLimitError(`a rate limit's window must be a whole number of seconds from 1 to ${maxRateWindowSeconds} (a day)`);
  }
  return { count, windowSeconds };
}

/** `100/60s`, `100/60`, `5/1m`, `1000/1h`, `10000/1d` → count per window in seconds. */
export function parseRateLimit(text: string): KeyRateLimit {
  const match = /^(\d{1,9})\/(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!match) throw new KeyLimitError(`${JSON.stringify(text.slice(0, 40))} is not a rate limit: write COUNT/WINDOW, e.g. 100/60s, 5/1m or 1000/1h`);
  return checkRateLimit({ count: Number(match[1]), windowSeconds: Number(match[2]) * units[match[3] || "s"]! });
}

/** How the CLI and the console print a limit: `100/60s`. */
export function formatRateLimit(limit: KeyRateLimit | null): string {
  return limit === null ? "none" : `${limit.count}/${limit.windowSeconds}s`;
}

/** The scopes a route asks for that a key does not carry (none for an unrestricted key). */
export function missingScopes(keyScopes: readonly string[] | null | undefined, required: readonly string[]): string[] {
  if (keyScopes === null || keyScopes === undefined) return [];
  return required.filter((scope) => !keyScopes.includes(scope));
}

type Limits = { scopes: readonly string[] | null; rateLimit: KeyRateLimit | null };

/** The audit entries a change of a key's limits makes (contract/audit-actions.ts), one per field that changed. */
export function limitChanges(
  before: Limits,
  after: Limits,
): { action: "key.scopes_changed" | "key.limits_changed"; before: Record<string, unknown>; after: Record<string, unknown> }[] {
  const changes: ReturnType<typeof limitChanges> = [];
  if (JSON.stringify(before.scopes) !== JSON.stringify(after.scopes)) {
    changes.push({ action: "key.scopes_changed", before: { scopes: before.scopes }, after: { scopes: after.scopes } });
  }
  if (JSON.stringify(before.rateLimit) !== JSON.stringify(after.rateLimit)) {
    changes.push({ action: "key.limits_changed", before: { rateLimit: before.rateLimit }, after: { rateLimit: after.rateLimit } });
  }
  return changes;
}
