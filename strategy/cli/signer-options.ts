import type { Command } from "commander";
import { agentSigner, loadKeyFileSigner } from "../client/index.js";
import type { Signer } from "../client/signer.js";
import { CliError } from "./errors.js";

export interface SignerOptions {
  user: string;
  key?: string;
  agent?: boolean;
  fingerprint?: string;
}

/** Adds --user, --key, --agent and --fingerprint to a command that signs. */
export function addSignerOptions(command: Command): Command {
  return command
    .requiredOption("--user <username>", "the username to authenticate as")
    .option("--key <path>", "private key file (OpenSSH, PEM or PKCS#8; passphrase from SSHKEY_PASSPHRASE)")
    .option("--agent", "sign with the running ssh-agent (SSH_AUTH_SOCK)")
    .option("--fingerprint <SHA256:…>", "which agent key to use (default: the first one that fits)");
}

export async function signerFrom(opts: SignerOptions): Promise<Signer> {
  if (Boolean(opts.key) === Boolean(opts.agent)) throw new CliError("give exactly one of --key PATH or --agent");
  if (opts.key) return loadKeyFileSigner(opts.key, { passphrase: process.env.SSHKEY_PASSPHRASE });
  return agentSigner({ fingerprint: opts.fingerprint });
}
