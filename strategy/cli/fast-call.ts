import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Flag } from "./signer-options.js";
import { reportFailure } from "./failure.js";

/** A call read without commander: its options by commander's attribute name, and its arguments. */
export interface FastCall {
  options: Record<string, string | boolean | undefined>;
  args: string[];
}

export interface FastCallSpec {
  /** The command words before the options (`token jwt`: 2). */
  words: number;
  flags: readonly Flag[];
  /** Exactly this many arguments, else the call is not one this path reads. */
  args: number;
  /** Options commander would require (by attribute name). */
  required?: readonly string[];
}

// `--key <path>` → key, string; `--identity-only` → identityOnly, boolean: as commander names them.
function parseArgsOption(flags: string): [name: string, attribute: string, option: { type: "string" | "boolean"; short?: string }] {
  const long = /--([a-z][\w-]*)/.exec(flags)![1]!;
  const short = /^-(\w),/.exec(flags)?.[1];
  const option = { type: flags.includes("<") ? ("string" as const) : ("boolean" as const), ...(short ? { short } : {}) };
  return [long, long.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), option];
}

/**
 * The commands scripts run on every request or login (sshd's `authorized-keys USER`,
 * `curl -H "$(passport-sshkey token jwt …)"`) read their usual call with node's own parseArgs:
 * loading commander is the largest part of such a command's start. A call this cannot read
 * exactly — `--help`, a mistake, a missing required option — is left to the commander program
 * (null), so help and usage errors read as they do for every other command.
 */
export function readFastCall(argv: readonly string[], spec: FastCallSpec): FastCall | null {
  const table = spec.flags.map((flag) => parseArgsOption(flag[0]));
  const options: NonNullable<ParseArgsConfig["options"]> = Object.fromEntries(table.map(([long, , option]) => [long, option]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(2 + spec.words), options, allowPositionals: true, strict: true });
  } catch {
    return null;
  }
  if (parsed.positionals.length !== spec.args) return null;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const byAttribute = Object.fromEntries(table.map(([long, attribute]) => [attribute, values[long]]));
  if (spec.required?.some((name) => byAttribute[name] === undefined)) return null;
  return { options: byAttribute, args: parsed.positionals };
}

/** Runs a fast call's action: exit code 0, or its failure reported as the commander program reports it. */
export async function runFastCall(action: () => Promise<void>): Promise<number> {
  try {
    await action();
    return 0;
  } catch (error) {
    return reportFailure(error);
  }
}
