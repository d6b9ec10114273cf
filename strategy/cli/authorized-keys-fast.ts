import { databaseUrlOption, printAuthorizedKeys } from "./commands/publish.js";
import { readFastCall, runFastCall } from "./fast-call.js";

/**
 * sshd's call, `authorized-keys USER` (perhaps with `--database-url URL`), read without
 * commander (fast-call.ts). Like the command's own program it reads no `.env`. Null: not such
 * a call, for authorized-keys-program.ts to answer.
 */
export function runAuthorizedKeysFast(argv: string[]): Promise<number> | null {
  const call = readFastCall(argv, { words: 1, flags: [databaseUrlOption], args: 1 });
  if (call === null) return null;
  return runFastCall(() => printAuthorizedKeys(call.args[0]!, call.options.databaseUrl as string | undefined));
}
