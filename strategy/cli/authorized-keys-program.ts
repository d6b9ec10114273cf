import { Command } from "commander";
import { registerAuthorizedKeysCommand } from "./commands/publish.js";
import { runProgram } from "./run.js";

/**
 * `passport-sshkey authorized-keys` alone, for the calls its fast path leaves (help, mistakes).
 * sshd runs the command on every login and waits for it, so bin/ loads this program instead of
 * every command (and what they import). It reads no `.env`: sshd starts it in no particular
 * directory, so the database comes from `--database-url` or the environment its wrapper sets.
 */
export function runAuthorizedKeysCli(argv: string[]): Promise<number> {
  return runProgram(() => {
    const program = new Command("passport-sshkey").exitOverride();
    registerAuthorizedKeysCommand(program);
    return program;
  }, argv);
}
