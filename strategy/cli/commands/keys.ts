import fs from "node:fs";
import type { Command } from "commander";
import { expandHome } from "../../client/home-path.js";
import { keyOriginLabel, ldapManagedKeyMessage } from "../../core/key-origin.js";
import { keyStateLabels, keyStatus, type KeyStateInput, type KeyStatus } from "../../core/key-state.js";
import { firstUsageDay, totalsOf, usageWindowDays } from "../../store/key-usage.js";
import { keyAppeared, keyChanges, keyDeleted } from "../../audit/targets.js";
import { recordCliChanges } from "../audit.js";
import { CliError } from "../errors.js";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";
import { formatRateLimit } from "../../core/key-limits.js";
import { storedKeyBreaks } from "../../policy/breaking-keys.js";
import type { PolicyBreak } from "../../policy/rules.js";
import { readKeyPolicy } from "../../policy/setting.js";
import type { KeyRecord } from "../../store/ports.js";
import { registerImportAllowedSigners } from "./import-allowed-signers.js";
import { registerKeyImportCommands } from "./key-import.js";
import { auditLimitChanges, rateLimitOption, registerKeyLimitCommands, scopesOption } from "./key-limits.js";

export function readKeyText(file: string): string {
  try {
    return fs.readFileSync(file === "-" ? 0 : expandHome(file), "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file === "-" ? "standard input" : file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

function parseExpiry(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!)) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) throw new CliError(`--expires must be a date as YYYY-MM-DD (got ${value})`);
  // A key that expires at once would be stored only to be refused: almost surely a typo.
  if (date.getTime() <= Date.now()) throw new CliError(`--expires ${value} is not in the future (keys expire at 00:00 UTC of that day)`);
  return date;
}

/** The key's own state, as the console and the API name it. */
function status(key: KeyStateInput): KeyStatus {
  return keyStatus(key, Date.now());
}

/** Scopes and the key's own rate limit in one cell without spaces: `scopes=deploy,read;rate=100/60s`, `-` for none. */
function limitsCell(key: KeyRecord): string {
  const parts: string[] = [];
  if (key.scopes !== null) parts.push(`scopes=${key.scopes.length === 0 ? "(none)" : key.scopes.join(",")}`);
  if (key.rateLimit !== null) parts.push(`rate=${formatRateLimit(key.rateLimit)}`);
  return parts.join(";") || "-";
}

/** `ok`, or the key-policy rules the key breaks (`policy show` and --json give the reasons in words). */
function policyCell(breaks: readonly PolicyBreak[]): string {
  return breaks.length === 0 ? "ok" : `breaks:${[...new Set(breaks.map((found) => found.rule))].join(",")}`;
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("manage SSH public keys");
  keys
    .command("add <username> <file>")
    .description("store a public key for a user (file may be - for standard input); prints its fingerprint")
    .option("--comment <text>", "a name for the key (default: the comment in the key file)")
    .option("--expires <date>", "refuse the key from this date on (YYYY-MM-DD, UTC)")
    .option("--scopes <list>", "limit the key to these scopes, comma-separated (deploy,read); default: unrestricted")
    .option("--rate-limit <count/window>", "at most COUNT sign-ins per WINDOW with this key (100/60s, 5/1m)")
    .action(async (username: string, file: string, opts: { comment?: string; expires?: string; scopes?: string; rateLimit?: string }) => {
      const text = readKeyText(file);
      const expiresAt = parseExpiry(opts.expires);
      const limits = { scopes: scopesOption(opts.scopes), rateLimit: rateLimitOption(opts.rateLimit) };
      const key = await withStore(async (s) => {
        const added = await s.directory.addKey(username, text, { comment: opts.comment, expiresAt, ...limits });
        await recordCliChanges(s, keyAppeared("key.added", added));
        await auditLimitChanges(s, { scopes: null, rateLimit: null }, added);
        return added;
      });
      process.stdout.write(`${key.fingerprintSha256}\n`);
    });
  keys
    .command("list [username]")
    .description("list keys, of one user or of everyone")
    .option("--json", "print JSON (each key with usage30d: its successes and failures over the last 30 days)")
    .action(async (username: string | undefined, opts: { json?: boolean }) => {
      const nowMs = Date.now();
      const { list, usage, policy, admins } = await withStore(async (s) => {
        const [list, policy, users] = await Promise.all([s.directory.listKeys(username), readKeyPolicy(s.settings), s.directory.listUsers()]);
        // Read only for --json: the table has no column for it.
        const usage = opts.json
          ? await s.usage.totals(
              list.map((k) => k.id),
              firstUsageDay(nowMs, usageWindowDays),
            )
          : new Map();
        return { list, usage, policy, admins: new Set(users.filter((u) => u.isAdmin).map((u) => u.username)) };
      });
      if (policy.error !== null) process.stderr.write(`passport-sshkey: ${policy.error}: every sign-in is refused until \`policy set\` stores a valid one\n`);
      const breaks = (k: KeyRecord) => storedKeyBreaks(policy.policy, k, admins.has(k.username), nowMs);
      if (opts.json) {
        return printJson(
          list.map((k) => ({ ...k, status: status(k), usage30d: totalsOf(usage, k.id), policyBreaks: breaks(k).map((found) => found.message) })),
        );
      }
      printTable([
        ["USER", "TYPE", "BITS", "FINGERPRINT", "STATUS", "SOURCE", "EXPIRES", "LAST USED", "LIMITS", "POLICY", "OPTIONS", "COMMENT"],
        ...list.map((k) => [
          k.username,
          k.type,
          String(k.bits),
          k.fingerprintSha256,
          keyStateLabels[status(k)],
          keyOriginLabel(k),
          k.expiresAt ? k.expiresAt.toISOString().slice(0, 10) : "never",
          k.lastUsedAt ? `${k.lastUsedAt.toISOString()} ${k.lastUsedScheme ?? ""}` : "never",
          limitsCell(k),
          policyCell(breaks(k)),
          k.sshOptions ?? "-",
          k.comment,
        ]),
      ]);
    });
  keys
    .command("revoke <fingerprint>")
    .description("refuse a key from now on, keeping its record")
    .option("--reason <text>", "why the key is revoked")
    .action(async (fingerprint: string, opts: { reason?: string }) => {
      const { key, already } = await withStore(async (s) => {
        const before = await s.directory.findKey(fingerprint);
        if (before.revokedAt) return { key: before, already: true };
        const revoked = await s.directory.revokeKey(fingerprint, opts.reason);
        await recordCliChanges(s, ...keyChanges(before, revoked));
        return { key: revoked, already: false };
      });
      if (already) {
        const why = key.revokedReason ? ` (${key.revokedReason})` : "";
        throw new CliError(`${key.fingerprintSha256} of ${key.username} was already revoked on ${key.revokedAt!.toISOString()}${why}`);
      }
      process.stdout.write(`revoked ${key.fingerprintSha256} of ${key.username}\n`);
    });
  registerImportAllowedSigners(keys);
  registerKeyImportCommands(keys);
  registerKeyLimitCommands(keys);
  keys
    .command("remove <fingerprint>")
    .description("delete a key")
    .action(async (fingerprint: string) => {
      const key = await withStore(async (s) => {
        if ((await s.directory.findKey(fingerprint)).origin === "ldap") throw new CliError(`${fingerprint}: ${ldapManagedKeyMessage}`);
        const removed = await s.directory.removeKey(fingerprint);
        await recordCliChanges(s, keyDeleted(removed));
        return removed;
      });
      process.stdout.write(`removed ${key.fingerprintSha256} of ${key.username}\n`);
    });
}
