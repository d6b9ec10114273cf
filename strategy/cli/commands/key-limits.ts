import os from "node:os";
import type { Command } from "commander";
import { formatRateLimit, KeyLimitError, limitChanges, parseRateLimit, parseScopes, type KeyRateLimit } from "../../core/key-limits.js";
import type { AuditAction } from "../../contract/audit-actions.js";
import type { KeyRecord, SshKeyStore } from "../../store/index.js";
import { defaultLockout } from "../../core/lockout.js";
import { integerSetting } from "../../integer-setting.js";
import { CliError } from "../errors.js";
import { withStore } from "../store.js";

/** `--scopes deploy,read` (an empty list: no scoped route), `--no-scopes` (unrestricted); absent: unchanged. */
export function scopesOption(value: string | boolean | undefined): string[] | null | undefined {
  if (value === undefined || value === true) return undefined;
  if (value === false) return null;
  return checked(() => parseScopes(value));
}

/** `--rate-limit 100/60s` (also 5/1m, 1000/1h), `--no-rate-limit`; absent: unchanged. */
export function rateLimitOption(value: string | boolean | undefined): KeyRateLimit | null | undefined {
  if (value === undefined || value === true) return undefined;
  if (value === false) return null;
  return checked(() => parseRateLimit(value));
}

function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof KeyLimitError) throw new CliError(error.message);
    throw error;
  }
}

/** The OS user running the CLI, as the audit log names it. */
function cliActor(): { type: "cli"; name: string } {
  let name = "unknown";
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry (a container's bare uid): still an entry, by an unknown name.
  }
  return { type: "cli", name };
}

async function audit(store: SshKeyStore, action: AuditAction, key: KeyRecord, before: Record<string, unknown>, after: Record<string, unknown>) {
  await store.audit.append({
    at: new Date(),
    actor: cliActor(),
    action,
    target: { type: "key", id: key.id, name: key.fingerprintSha256 },
    before,
    after,
  });
}

/** Records what changed between `before` and `after` of a key's scopes and rate limit. */
export async function auditLimitChanges(store: SshKeyStore, before: Pick<KeyRecord, "scopes" | "rateLimit">, after: KeyRecord): Promise<void> {
  for (const change of limitChanges(before, after)) await audit(store, change.action, after, change.before, change.after);
}

function describeLimits(key: KeyRecord): string {
  const scopes = key.scopes === null ? "unrestricted" : key.scopes.length === 0 ? "(no scope)" : key.scopes.join(" ");
  return `scopes ${scopes}, rate limit ${formatRateLimit(key.rateLimit)}`;
}

/** `keys set <fingerprint> --scopes … --rate-limit …` and `keys unlock <fingerprint>`. */
export function registerKeyLimitCommands(keys: Command): void {
  keys
    .command("set <fingerprint>")
    .description("change what a key may do: its scopes (checked per route) and its own sign-in rate limit")
    .option("--scopes <list>", 'the scopes the key may be used for, comma-separated (deploy,read); "" allows no scoped route')
    .option("--no-scopes", "make the key unrestricted")
    .option("--rate-limit <count/window>", "at most COUNT sign-ins per WINDOW (100/60s, 5/1m, 1000/1h)")
    .option("--no-rate-limit", "remove the key's own rate limit")
    .action(async (fingerprint: string, opts: { scopes?: string | boolean; rateLimit?: string | boolean }) => {
      const scopes = scopesOption(opts.scopes);
      const rateLimit = rateLimitOption(opts.rateLimit);
      if (scopes === undefined && rateLimit === undefined) throw new CliError("give --scopes, --no-scopes, --rate-limit and/or --no-rate-limit");
      const key = await withStore(async (s) => {
        const before = await s.directory.findKey(fingerprint);
        const after = await s.directory.updateKeyById(before.id, { scopes, rateLimit });
        await auditLimitChanges(s, before, after);
        return after;
      });
      process.stdout.write(`${key.fingerprintSha256} of ${key.username}: ${describeLimits(key)}\n`);
    });
  keys
    .command("unlock <fingerprint>")
    .description("lift a key's lockout after failed attempts (and clear its failure count) before it runs out")
    .action(async (fingerprint: string) => {
      const { key, was } = await withStore(async (s) => {
        const before = await s.directory.findKey(fingerprint);
        const after = await s.directory.unlockKeyById(before.id);
        if (before.lockedUntil !== null || before.failedAttempts > 0) {
          const was = { lockedUntil: before.lockedUntil, failedAttempts: before.failedAttempts };
          await audit(s, "key.unlocked", after, was, { lockedUntil: null, failedAttempts: 0 });
        }
        return { key: after, was: before };
      });
      const locked = was.lockedUntil !== null && was.lockedUntil.getTime() > Date.now();
      process.stdout.write(
        `${locked ? "unlocked" : "was not locked:"} ${key.fingerprintSha256} of ${key.username} (${was.failedAttempts} failed attempts cleared)\n`,
      );
    });
}

/**
 * `serve`'s lockout: KEY_LOCKOUT_AFTER_FAILURES consecutive refusals (default 10; 0 turns the
 * lockout off) lock a key for KEY_LOCKOUT_SECONDS (default 900).
 */
export function lockoutFromEnv(): { afterFailures: number; forSeconds: number } | false {
  const afterFailures = integerSetting("KEY_LOCKOUT_AFTER_FAILURES", {
    default: defaultLockout.afterFailures,
    min: 0,
    what: "0 (off) or a number of attempts",
  });
  const forSeconds = integerSetting("KEY_LOCKOUT_SECONDS", { default: defaultLockout.forSeconds, min: 1, what: "a positive number of seconds" });
  return afterFailures === 0 ? false : { afterFailures, forSeconds };
}
