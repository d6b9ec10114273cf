import { databaseUrlOption, printAuthorizedKeys } from "./commands/publish.js";
import { readFastCall, runFastCall } from "./fast-call.js";

/**
 * `passport-sshkey authorized-keys` alone. sshd runs it on every login and waits for it, so
 * bin/ loads this program instead of every command (and what they import). It reads no `.env`:
 * sshd starts it in no particular directory, so the database comes from `--database-url` or
 * the environment its wrapper sets. sshd's call is read without commander (fast-call.ts).
 */
export async function runAuthorizedKeysCli(argv: string[]): Promise<number> {
  const call = readFastCall(argv, { words: 1, flags: [databaseUrlOption], args: 1 });
  if (call === null) return commanderProgram(argv);
  return runFastCall(() => printAuthorizedKeys(call.args[0]!, call.options.databaseUrl as string | undefined));
}

async function commanderProgram(argv: string[]): Promise<number> {
  const [{ Command }, { registerAuthorizedKeysCommand }, { runProgram }] = await Promise.all([
    import("commander"),
    import("./commands/publish.js"),
    import("./run.js"),
  ]);
  return runProgram(() => {
    const program = new Command("passport-sshkey").exitOverride();
    registerAuthorizedKeysCommand(program);
    return program;
  }, argv);
}
