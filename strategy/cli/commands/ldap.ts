import type { Command } from "commander";
import { ldapOptionsFromEnv, type LdapOptions } from "../../sources/ldap/options.js";
import { runLdapSync } from "../../sources/ldap/run.js";
import { readLdapStatus } from "../../sources/ldap/status.js";
import type { LdapSyncReport } from "../../sources/ldap/sync.js";
import { CliError } from "../errors.js";
import { printJson } from "../output.js";
import { withStore } from "../store.js";

/** The LDAP settings of the environment; a CliError when they are missing or wrong. */
export function ldapOptionsOrExit(): LdapOptions | null {
  try {
    return ldapOptionsFromEnv();
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function printReport(report: LdapSyncReport): void {
  const lines = [
    `${report.entries} LDAP entries: ${report.added.length} keys added, ${report.removed.length} removed, ${report.skipped.length} skipped`,
    ...report.createdUsers.map((name) => `created user ${name}`),
    ...report.added.map((key) => `added ${key.username} ${key.fingerprintSha256}`),
    ...report.removed.map((key) => `removed ${key.username} ${key.fingerprintSha256}`),
    ...report.disabledUsers.map((name) => `disabled user ${name} (no longer in LDAP)`),
    ...report.enabledUsers.map((name) => `re-enabled user ${name}`),
    ...report.skipped.map((item) => `skipped ${item.username ?? item.dn}: ${item.reason}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

export function registerLdapCommands(program: Command): void {
  const ldap = program.command("ldap").description("the LDAP key source (LDAP_URL, LDAP_BASE_DN, …): users and keys kept in step with a directory");
  ldap
    .command("sync")
    .description("sync users and keys from LDAP once (serve does it every LDAP_REFRESH_SECONDS); fails, changing nothing, when LDAP cannot be read")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const options = ldapOptionsOrExit();
      if (!options) throw new CliError("LDAP_URL is not set");
      const outcome = await withStore((store) => runLdapSync({ store, ldap: options }));
      if (!outcome.ok) throw new CliError(`${outcome.error}; nothing was changed`);
      if (opts.json) printJson(outcome.report);
      else printReport(outcome.report);
    });
  ldap
    .command("status")
    .description("when the LDAP sync last ran, its error if it failed, and what it changed")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const status = await withStore((store) => readLdapStatus(store.settings));
      if (opts.json) return printJson(status);
      if (!status) return void process.stdout.write("the LDAP sync has not run\n");
      const counts = status.counts;
      process.stdout.write(
        [
          `last run: ${status.lastRunAt}${status.lastError ? ` (failed: ${status.lastError})` : " (succeeded)"}`,
          `last success: ${status.lastSuccessAt ?? "never"}`,
          ...(counts ? [`${counts.entries} entries; ${counts.added} keys added, ${counts.removed} removed, ${counts.skipped} skipped`] : []),
          ...status.skipped.map((item) => `skipped ${item.username ?? item.dn}: ${item.reason}`),
        ].join("\n") + "\n",
      );
    });
}
