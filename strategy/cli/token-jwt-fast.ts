import { printJwtToken } from "./commands/token.js";
import { loadDotEnv } from "./dot-env.js";
import { readFastCall, runFastCall } from "./fast-call.js";
import { signerFlags, type SignerOptions } from "./signer-options.js";

/**
 * `passport-sshkey token jwt`, which people run once per request inside
 * `curl -H "Authorization: $(passport-sshkey token jwt …)"`: its usual call, read without
 * commander (fast-call.ts), signs through the very action the full program registers.
 * Null: not such a call, for the full program to answer.
 */
export function runTokenJwtFast(argv: string[]): Promise<number> | null {
  const { user, key, agent, fingerprint } = signerFlags;
  const call = readFastCall(argv, { words: 2, flags: [user, key, agent, fingerprint], args: 0, required: ["user"] });
  if (call === null) return null;
  return runFastCall(async () => {
    loadDotEnv();
    await printJwtToken(call.options as unknown as SignerOptions);
  });
}
