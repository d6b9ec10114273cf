import os from "node:os";
import type { Command } from "commander";
import { ZodError } from "zod";
import type { KeyPolicy, KeyPolicyChange } from "../../contract/policy.js";
import { policyCurveNames, policyTypeNames } from "../../policy/names.js";
import { keysBreakingPolicy } from "../../policy/breaking-keys.js";
import { readKeyPolicy, writeKeyPolicy } from "../../policy/setting.js";
import type { SshKeyStore } from "../../store/ports.js";
import { CliError } from "../errors.js";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";

interface SetOptions {
  keyTypes?: string;
  minRsaBits?: string;
  ecdsaCurves?: string;
  maxKeyLifetimeDays?: string;
  disableUnusedAfterDays?: string;
  requireSecurityKeysForAdmins?: boolean;
  reset?: boolean;
}

/** The CLI option each policy field is set with, for naming it in errors. */
const optionOf: Record<keyof KeyPolicy, string> = {
  keyTypes: "--key-types",
  minRsaBits: "--min-rsa-bits",
  ecdsaCurves: "--ecdsa-curves",
  maxKeyLifetimeDays: "--max-key-lifetime-days",
  disableUnusedAfterDays: "--disable-unused-after-days",
  requireSecurityKeysForAdmins: "--require-security-keys-for-admins",
};

function list<T extends string>(option: string, text: string, known: readonly T[]): T[] {
  const names = text.split(",").map((name) => name.trim().toLowerCase());
  const unknown = names.find((name) => !(known as readonly string[]).includes(name));
  if (unknown !== undefined) throw new CliError(`${option}: unknown name "${unknown.slice(0, 40)}"; known: ${known.join(", ")}`);
  return names as T[];
}

function whole(option: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new CliError(`${option} must be a whole number (got ${text.slice(0, 40)})`);
  return Number(text);
}

/** A number of days, or "none" for no limit. */
function days(option: string, text: string): number | null {
  return text.toLowerCase() === "none" ? null : whole(option, text);
}

function changeOf(opts: SetOptions): KeyPolicyChange {
  const change: KeyPolicyChange = {};
  if (opts.keyTypes !== undefined) change.keyTypes = list("--key-types", opts.keyTypes, policyTypeNames);
  if (opts.minRsaBits !== undefined) change.minRsaBits = whole("--min-rsa-bits", opts.minRsaBits);
  if (opts.ecdsaCurves !== undefined) change.ecdsaCurves = list("--ecdsa-curves", opts.ecdsaCurves, policyCurveNames);
  if (opts.maxKeyLifetimeDays !== undefined) change.maxKeyLifetimeDays = days("--max-key-lifetime-days", opts.maxKeyLifetimeDays);
  if (opts.disableUnusedAfterDays !== undefined) change.disableUnusedAfterDays = days("--disable-unused-after-days", opts.disableUnusedAfterDays);
  if (opts.requireSecurityKeysForAdmins !== undefined) change.requireSecurityKeysForAdmins = opts.requireSecurityKeysForAdmins;
  return change;
}

async function shown(store: SshKeyStore) {
  const reading = await readKeyPolicy(store.settings);
  const breaking = await keysBreakingPolicy(store.directory, reading.policy, Date.now());
  return { policy: reading.policy, storedError: reading.error, breakingKeys: breaking.length, breaking };
}

function printPolicy({ policy, storedError, breaking }: Awaited<ReturnType<typeof shown>>): void {
  if (storedError !== null) process.stdout.write(`error: ${storedError}; every sign-in is refused until it is set again (policy set)\n`);
  printTable([
    ["key types", policy.keyTypes.join(", ")],
    ["minimum RSA bits", String(policy.minRsaBits)],
    ["ECDSA curves", policy.ecdsaCurves.join(", ")],
    ["max key lifetime", policy.maxKeyLifetimeDays === null ? "none" : `${policy.maxKeyLifetimeDays} days`],
    ["disable unused after", policy.disableUnusedAfterDays === null ? "never" : `${policy.disableUnusedAfterDays} days`],
    ["security keys for admins", policy.requireSecurityKeysForAdmins ? "required" : "not required"],
    ["keys breaking it", String(breaking.length)],
  ]);
  for (const { key, breaks } of breaking) {
    process.stdout.write(`  ${key.username} ${key.fingerprintSha256}: ${breaks.map((found) => found.message).join("; ")}\n`);
  }
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command("policy").description("the instance key policy: which keys may be added and sign in");
  policy
    .command("show")
    .description("print the key policy and the stored keys that break it")
    .option("--json", "print JSON: policy, storedError, breakingKeys")
    .action(async (opts: { json?: boolean }) => {
      const found = await withStore(shown);
      if (opts.json) return printJson({ policy: found.policy, storedError: found.storedError, breakingKeys: found.breakingKeys });
      printPolicy(found);
    });
  policy
    .command("set")
    .description("change the key policy (options not given keep their value); every instance applies it within a second")
    .option("--key-types <list>", `allowed key types, comma-separated: ${policyTypeNames.join(",")} (cert: certificate logins)`)
    .option("--min-rsa-bits <bits>", "smallest RSA key, in bits (2048 to 16384)")
    .option("--ecdsa-curves <list>", `allowed ECDSA curves: ${policyCurveNames.join(",")}`)
    .option("--max-key-lifetime-days <days>", "new keys expire after this many days; older keys stop signing in (none: no limit)")
    .option("--disable-unused-after-days <days>", "keys unused this long stop signing in (none: never)")
    .option("--require-security-keys-for-admins", "administrators sign in with security keys (sk-*) only")
    .option("--no-require-security-keys-for-admins", "administrators may use any allowed key")
    .option("--reset", "start from the defaults (everything the codec accepts, no limits) before the other options")
    .action(async (opts: SetOptions) => {
      const change = changeOf(opts);
      const found = await withStore(async (store) => {
        try {
          const { before, after } = await writeKeyPolicy(store, change, { reset: opts.reset });
          await store.audit.append({
            at: new Date(),
            actor: { type: "cli", name: os.userInfo().username },
            action: "policy.changed",
            target: { type: "policy", name: "key-policy" },
            before: before.error === null ? before.policy : { storedError: before.error },
            after,
          });
        } catch (error) {
          if (error instanceof ZodError) throw cliErrorOf(error);
          throw error;
        }
        return shown(store);
      });
      printPolicy(found);
    });
}

function cliErrorOf(error: ZodError): CliError {
  const issue = error.issues[0];
  const field = issue?.path[0];
  const option = typeof field === "string" && field in optionOf ? optionOf[field as keyof KeyPolicy] : "policy";
  return new CliError(`${option}: ${issue?.message ?? "invalid value"}`);
}
