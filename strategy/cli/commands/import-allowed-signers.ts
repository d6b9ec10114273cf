import { Option, type Command } from "commander";
import { parseAllowedSigners } from "../../keys/formats/allowed-signers.js";
import { sshsigSettings } from "../../schemes/sshsig/options.js";
import { importAllowedSigners, type ImportReport, type PrincipalMap } from "../allowed-signers-import.js";
import { CliError } from "../errors.js";
import { readCappedFile } from "../read-capped-file.js";
import { withStore } from "../store.js";
import { auditedDirectory } from "../../audit/audited-directory.js";
import { AuditRecorder } from "../../audit/recorder.js";
import { cliOrigin } from "../audit.js";

/** Far above any team's signers file, low enough that a wrong path (a disk image) fails at once. */
const maxFileBytes = 8 * 1024 * 1024;

function readSignersFile(file: string): string {
  const bytes = readCappedFile(file, maxFileBytes, "an allowed_signers file");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    process.stdout.write(`${file} is not valid UTF-8: undecodable bytes are read as U+FFFD\n`);
    return new TextDecoder("utf-8").decode(bytes);
  }
}

function summary(report: ImportReport, dryRun: boolean): string {
  const { imported, present, skipped, refused, broken } = report.counts;
  const parts = [`${imported} ${dryRun ? "to import" : "imported"}`, `${present} already present`, `${skipped} skipped`, `${refused} refused`];
  parts.push(`${broken} unreadable line${broken === 1 ? "" : "s"}`);
  return `${dryRun ? "dry run, nothing changed: " : ""}${parts.join(", ")}`;
}

interface ImportFlags {
  createUsers?: boolean;
  dryRun?: boolean;
  comment?: string;
  principalMap: PrincipalMap;
  namespace: string;
  ignoreNamespaces?: boolean;
}

export function registerImportAllowedSigners(keys: Command): void {
  keys
    .command("import-allowed-signers <file>")
    .description("store the keys of an ssh-keygen allowed_signers file (git commit signers) for the users its principals name")
    .option("--create-users", "create users that do not exist yet (default: skip their keys)")
    .option("--dry-run", "print what would be imported, change nothing")
    .option("--comment <text>", "a name for every imported key (default: the comment on its line)")
    .addOption(
      new Option("--principal-map <how>", "username for a principal: as-is (alice@example.com), local-part (alice)")
        .choices(["as-is", "local-part"])
        .default("as-is"),
    )
    .option(
      "--namespace <name>",
      "the SSHSIG namespace the server verifies; lines whose namespaces= exclude it are skipped",
      sshsigSettings(undefined).namespace,
    )
    .option("--ignore-namespaces", "import lines even when their namespaces= exclude the server's namespace")
    .action(async (file: string, flags: ImportFlags) => {
      const text = readSignersFile(file);
      const report = await withStore(async (store) =>
        importAllowedSigners(
          auditedDirectory(store.directory, new AuditRecorder(store.audit), cliOrigin(), "key.imported"),
          parseAllowedSigners(text, store.directory.keyPolicy),
          {
            createUsers: flags.createUsers ?? false,
            dryRun: flags.dryRun ?? false,
            comment: flags.comment,
            principalMap: flags.principalMap,
            namespace: flags.namespace,
            ignoreNamespaces: flags.ignoreNamespaces ?? false,
            now: new Date(),
          },
        ),
      );
      const printed = [...report.notes, summary(report, flags.dryRun ?? false)].join("\n");
      // The CLI exits right after the command, which would cut a long report short on a pipe.
      await new Promise<void>((resolve) => process.stdout.write(`${printed}\n`, () => resolve()));
      if (report.signerLines === 0) throw new CliError(`no allowed_signers line could be read in ${file}`);
    });
}
