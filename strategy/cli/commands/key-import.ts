import type { Command } from "commander";
import { ImportError } from "../../import/errors.js";
import { KeyImporter, type SyncReport } from "../../import/key-importer.js";
import { possessionCommand } from "../../import/possession.js";
import type { KeySourceRecord, SshKeyStore } from "../../store/ports.js";
import { sourceRemoved, syncChanges } from "../../audit/import-changes.js";
import { keyChanges } from "../../audit/targets.js";
import { recordCliChanges } from "../audit.js";
import { CliError } from "../errors.js";
import { keyImportSettingsFromEnv } from "../key-import-environment.js";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";
import { readKeyText } from "./keys.js";

/** Exit status of a sync refused by a rate limit (EX_TEMPFAIL): cron may simply try later. */
const rateLimitedExit = 75;

function importerOf(store: SshKeyStore): KeyImporter {
  return new KeyImporter({ ...store, options: keyImportSettingsFromEnv(), now: Date.now });
}

function cliRefusal(error: unknown): unknown {
  if (error instanceof ImportError) return new CliError(error.message, error.code === "rate_limited" ? rateLimitedExit : 1);
  return error;
}

function printReport(report: SyncReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const { ref } = report.source;
  for (const key of report.added)
    out(`added ${key.fingerprintSha256} from ${ref} (unverified: keys verify ${report.source.username} ${key.fingerprintSha256})`);
  for (const key of report.revoked) out(`revoked ${key.fingerprintSha256}: removed from ${ref}`);
  for (const skipped of report.skipped) {
    out(`skipped ${skipped.fingerprintSha256}: ${skipped.reason === "yours" ? "already one of yours" : `held by ${skipped.holder ?? "another user"}`}`);
  }
  for (const refused of report.refused) out(`line ${refused.line} of ${ref} refused: ${refused.message}`);
  if (report.removalsHeld) out(`${ref} has unreadable lines: no key was revoked`);
  out(`${ref}: ${report.added.length} added, ${report.revoked.length} revoked, ${report.unchanged} unchanged`);
}

function sourceRows(sources: KeySourceRecord[]): string[][] {
  return [
    ["USER", "SOURCE", "LAST SYNC", "RETRY AFTER", "LAST ERROR"],
    ...sources.map((s) => [
      s.username,
      s.ref,
      s.lastSyncedAt ? s.lastSyncedAt.toISOString() : "never",
      s.retryAfter ? s.retryAfter.toISOString() : "-",
      s.lastError ?? "-",
    ]),
  ];
}

/**
 * Syncs each source; every outcome is printed. One failure does not stop the others; the exit
 * status is 75 when only rate limits failed (cron retries later), 1 when anything else did.
 */
async function syncEach(store: SshKeyStore, sources: KeySourceRecord[]): Promise<void> {
  const importer = importerOf(store);
  const synced = async (report: SyncReport) => {
    await recordCliChanges(store, ...syncChanges(report, "synced"));
    printReport(report);
  };
  if (sources.length === 1) {
    await synced(await importer.sync(sources[0]!).catch((error: unknown) => Promise.reject(cliRefusal(error))));
    return;
  }
  let failure: CliError | null = null;
  for (const source of sources) {
    let report: SyncReport;
    try {
      report = await importer.sync(source);
    } catch (error) {
      const refusal = cliRefusal(error);
      if (!(refusal instanceof CliError)) throw error;
      process.stderr.write(`passport-sshkey: ${source.username}: ${refusal.message}\n`);
      if (failure === null || refusal.exitCode !== rateLimitedExit) failure = refusal;
      continue;
    }
    await synced(report);
  }
  if (failure !== null) throw new CliError("some sources could not be synced", failure.exitCode);
}

/** `keys import`, `keys sync`, `keys sources`, `keys source remove`, `keys challenge`, `keys verify`. */
export function registerKeyImportCommands(keys: Command): void {
  keys
    .command("import <username> <source>")
    .description("import a user's keys from gh:LOGIN, gitlab:[HOST/]LOGIN or a URL; they stay unverified until the user proves holding them")
    .action(async (username: string, source: string) => {
      const report = await withStore(async (s) => {
        const done = await importerOf(s).importFrom(username, source);
        await recordCliChanges(s, ...syncChanges(done, "added"));
        return done;
      }).catch((error: unknown) => {
        throw cliRefusal(error);
      });
      printReport(report);
    });
  keys
    .command("sync [username]")
    .description("fetch the user's import sources again: new keys are added unverified, keys gone upstream revoked")
    .option("--source <ref>", "only this source (gh:LOGIN, gitlab:…, or its URL)")
    .option("--all", "every user's sources (for cron)")
    .action(async (username: string | undefined, opts: { source?: string; all?: boolean }) => {
      if ((username === undefined) !== Boolean(opts.all)) throw new CliError("name a user, or sync everyone's sources with --all");
      if (opts.all && opts.source) throw new CliError("--source names one user's source; it does not go with --all");
      await withStore(async (s) => {
        const sources = opts.all
          ? await s.keySources.listAll()
          : opts.source
            ? [await s.keySources.find(username!, opts.source)]
            : await s.keySources.list(username!);
        if (sources.length === 0 && !opts.all) throw new CliError(`${username} imports keys from no source (keys import ${username} gh:LOGIN)`);
        await syncEach(s, sources);
      });
    });
  keys
    .command("sources <username>")
    .description("list where a user's keys are imported from, with the last sync's outcome")
    .option("--json", "print JSON")
    .action(async (username: string, opts: { json?: boolean }) => {
      const sources = await withStore((s) => s.keySources.list(username));
      if (opts.json) return printJson(sources);
      printTable(sourceRows(sources));
    });
  keys
    .command("source")
    .description("manage import sources")
    .command("remove <username> <source>")
    .description("stop syncing a source; its keys stay, with their provenance")
    .action(async (username: string, source: string) => {
      const removed = await withStore(async (s) => {
        const gone = await s.keySources.remove(username, source);
        await recordCliChanges(s, sourceRemoved(gone));
        return gone;
      });
      process.stdout.write(`removed source ${removed.ref} of ${username}; its keys stay\n`);
    });
  keys
    .command("challenge <username> <fingerprint>")
    .description("print the text the user signs to prove holding an imported key (the command to sign it goes to stderr)")
    .action(async (username: string, fingerprint: string) => {
      const challenge = await withStore(async (s) => importerOf(s).challenge(await ownKey(s, username, fingerprint)));
      process.stdout.write(`${challenge}\n`);
      process.stderr.write(`sign it with: ${possessionCommand(challenge)}\n`);
    });
  keys
    .command("verify <username> <fingerprint>")
    .description("check the user's signature of the key's challenge: the key may then sign in")
    .requiredOption("--signature <file>", "the armored output of ssh-keygen -Y sign (- for standard input)")
    .action(async (username: string, fingerprint: string, opts: { signature: string }) => {
      const signature = readKeyText(opts.signature);
      const key = await withStore(async (s) => {
        const key = await ownKey(s, username, fingerprint);
        if (!key.unverified) throw new CliError(`${key.fingerprintSha256} of ${username} is verified already`);
        const verified = await importerOf(s).verify(key, signature);
        await recordCliChanges(s, ...keyChanges(key, verified));
        return verified;
      }).catch((error: unknown) => {
        throw cliRefusal(error);
      });
      process.stdout.write(`verified ${key.fingerprintSha256} of ${username}\n`);
    });
}

async function ownKey(store: SshKeyStore, username: string, fingerprint: string) {
  const key = await store.directory.findKey(fingerprint);
  if (key.username !== username) throw new CliError(`${key.fingerprintSha256} is not a key of ${username}`);
  return key;
}
