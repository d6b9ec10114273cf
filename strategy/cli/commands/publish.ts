import type { Command } from "commander";
import { activeKeys } from "../../publish/active-keys.js";
import { allowedSignersLine, authorizedKeysLine } from "../../publish/lines.js";
import { usernameProblem } from "../../store/directory/usernames.js";
import type { PublishableOwner } from "../../store/ports.js";
import { readPublishableOwners } from "../../store/sql/published-keys.js";
import { CliError } from "../errors.js";

export const databaseUrlOption = [
  "--database-url <url>",
  "the database to read (default: DATABASE_URL, else the embedded file); sshd clears the environment",
] as const;

/** Owners from the driver's read-only query; a database that cannot be read is a broken configuration. */
async function readOwners(url: string | undefined, username: string | null): Promise<PublishableOwner[]> {
  const database = url ?? (process.env.DATABASE_URL || undefined);
  try {
    return await readPublishableOwners(database, username);
  } catch (error) {
    // Loaded only here: the environment module brings the whole store's public face with it.
    const { describeDatabase } = await import("../environment.js");
    throw new CliError(`cannot read the keys from ${describeDatabase(database)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// A namespace list as ssh-keygen -n and allowed_signers take it: no quotes, spaces or empty entries.
const namespaces = /^[\w@.+-]+(?:,[\w@.+-]+)*$/;

/** `authorized-keys USER`, for sshd's AuthorizedKeysCommand (bin/ runs it alone: see authorized-keys-program.ts). */
export function registerAuthorizedKeysCommand(program: Command): void {
  program
    .command("authorized-keys <username>")
    .description("print the user's active keys as authorized_keys lines, for sshd's AuthorizedKeysCommand (nothing for an unknown or disabled user)")
    .option(...databaseUrlOption)
    .action((username: string, opts: { databaseUrl?: string }) => printAuthorizedKeys(username, opts.databaseUrl));
}

/** What `authorized-keys USER` prints: the user's active keys as authorized_keys lines, nothing for an unknown or disabled user. */
export async function printAuthorizedKeys(username: string, databaseUrl: string | undefined): Promise<void> {
  const [owner] = await readOwners(databaseUrl, username);
  const lines = owner ? activeKeys(owner, Date.now()).map(authorizedKeysLine) : [];
  process.stdout.write(lines.map((line) => `${line}\n`).join(""));
}

export function registerPublishCommands(program: Command): void {
  registerAuthorizedKeysCommand(program);
  program
    .command("allowed-signers")
    .description(
      "print every user's active keys as an allowed_signers file (principal: the username), for ssh-keygen -Y verify and git's gpg.ssh.allowedSignersFile",
    )
    .option("--namespace <ns>", 'restrict each key to these signature namespaces (namespaces="…"), e.g. git')
    .option(...databaseUrlOption)
    .action(async (opts: { namespace?: string; databaseUrl?: string }) => {
      if (opts.namespace !== undefined && !namespaces.test(opts.namespace)) {
        throw new CliError(`--namespace must be one or more comma-separated names of letters, digits and @ . _ + - (got ${JSON.stringify(opts.namespace)})`);
      }
      const nowMs = Date.now();
      const lines: string[] = [];
      for (const owner of await readOwners(opts.databaseUrl, null)) {
        // A principal is a pattern list: a name from before the username rules could widen it.
        if (usernameProblem(owner.username) !== null) {
          process.stderr.write(`passport-sshkey: skipped user ${JSON.stringify(owner.username)}: the name breaks the username rules\n`);
          continue;
        }
        for (const key of activeKeys(owner, nowMs)) lines.push(allowedSignersLine(owner.username, key, opts.namespace ?? null));
      }
      process.stdout.write(lines.map((line) => `${line}\n`).join(""));
    });
}
