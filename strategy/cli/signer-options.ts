import type { Command } from "commander";
import { keyFitsScheme } from "../client/agent-key-choice.js";
import { AgentError } from "../client/errors.js";
import { openKeyFileSigner } from "../client/key-file-signer.js";
import type { ClientScheme } from "../client/authorize.js";
import type { Signer } from "../client/signer.js";
import { CliError } from "./errors.js";

/** The options addSignerOptions adds (--user as the command has it). */
export interface SignerOptions {
  user: string;
  key?: string;
  agent?: boolean;
  fingerprint?: string;
}

/** A commander option: its flags (`--key <path>`) and help text. */
export type Flag = readonly [flags: string, description: string];

/**
 * The signing options, as one table: commander registers them for every signing command, and
 * the `token jwt` fast path (token-jwt-fast.ts) reads the same flags with node's parseArgs.
 */
export const signerFlags = {
  user: ["--user <username>", "the username to authenticate as"],
  optionalUser: ["--user <username>", "the username to authenticate as (not for rfc9421: the key names the user)"],
  key: ["--key <path>", "private key file (OpenSSH, PEM or PKCS#8; ~ is your home; passphrase from SSHKEY_PASSPHRASE)"],
  agent: ["--agent", "sign with the running ssh-agent (SSH_AUTH_SOCK), trying its keys that fit the scheme in turn"],
  fingerprint: ["--fingerprint <SHA256:…>", "with --agent: use only this agent key"],
} as const satisfies Record<string, Flag>;

/**
 * Adds --user, --key, --agent and --fingerprint to a command that signs. `user`: whether
 * --user is required, optional (the action checks it: a scheme where the key names the user
 * needs none) or left out.
 */
export function addSignerOptions(command: Command, user: "required" | "optional" | "none" = "required"): Command {
  if (user === "required") command.requiredOption(...signerFlags.user);
  if (user === "optional") command.option(...signerFlags.optionalUser);
  return command
    .option(...signerFlags.key)
    .option(...signerFlags.agent)
    .option(...signerFlags.fingerprint);
}

/** The keys a command may sign with, in the order to try them. */
export interface SignerChoice {
  signers: Signer[];
  /** From the ssh-agent: then the CLI says on stderr which key signed. */
  fromAgent: boolean;
  close(): void;
}

const fitting: Record<ClientScheme, string> = {
  jwt: "RSA, Ed25519 or ECDSA",
  sshauth: "Ed25519 or ECDSA P-256",
  crtauth: "RSA",
  sshsig: "RSA, Ed25519, ECDSA or security-key (sk-*)",
  rfc9421: "RSA, Ed25519 or ECDSA P-256/P-384",
};

/**
 * `--key` gives one signer; `--agent --fingerprint` the one agent key; `--agent` alone every
 * agent key the scheme can sign with, in the agent's order (as ssh offers them).
 */
export async function signersFor(opts: Omit<SignerOptions, "user">, scheme: ClientScheme): Promise<SignerChoice> {
  if (Boolean(opts.key) === Boolean(opts.agent)) throw new CliError("give exactly one of --key PATH or --agent");
  if (opts.key) {
    if (opts.fingerprint !== undefined) throw new CliError("--fingerprint picks an agent key: use it with --agent");
    const signer = await openKeyFileSigner(opts.key, { passphrase: process.env.SSHKEY_PASSPHRASE });
    return { signers: [signer], fromAgent: false, close: () => signer.close() };
  }
  // The agent's client (and the options schema it checks with) only when --agent asks for it.
  const { agentSigner, openAgentKeyring } = await import("../client/agent-signer.js");
  if (opts.fingerprint !== undefined) {
    const signer = await agentSigner({ fingerprint: opts.fingerprint });
    if (!keyFitsScheme(signer.publicKey, scheme)) {
      signer.close();
      throw new CliError(`${scheme} cannot sign with ${signer.publicKey.fingerprintSha256} (${signer.publicKey.type}): it needs an ${fitting[scheme]} key`);
    }
    return { signers: [signer], fromAgent: true, close: () => signer.close() };
  }
  const keyring = await openAgentKeyring();
  const keys = keyring.keys.filter((key) => keyFitsScheme(key, scheme));
  if (keys.length === 0) {
    keyring.close();
    const held = keyring.keys.map((k) => `${k.fingerprintSha256} (${k.type})`).join(", ") || "no usable key";
    throw new CliError(`the ssh-agent holds no ${fitting[scheme]} key for ${scheme} (it holds ${held})`);
  }
  return { signers: keys.map((key) => keyring.signerFor(key)), fromAgent: true, close: () => keyring.close() };
}

/** `signed with SHA256:… (ssh-ed25519)` on stderr, for agent keys: the agent may hold several. */
export function announceSigner(choice: SignerChoice, signer: Signer): void {
  if (choice.fromAgent) process.stderr.write(`signed with ${signer.publicKey.fingerprintSha256} (${signer.publicKey.type})\n`);
}

/** One line on stderr for a key the server refused before the next one is tried. */
export function announceRefusal(signer: Signer, code: string): void {
  process.stderr.write(`${signer.publicKey.fingerprintSha256} (${signer.publicKey.type}) refused (${code}); trying the next agent key\n`);
}

/** An agent that will not sign with one key (SSH_AGENT_FAILURE): say why on stderr and try the next, as ssh does. */
export function passOverAgentRefusal(_signer: Signer, error: unknown): boolean {
  if (!(error instanceof AgentError) || error.code !== "agent_refused") return false;
  process.stderr.write(`${error.message}; trying the next agent key\n`);
  return true;
}

/** Adds --cert, for the commands that can sign as an OpenSSH certificate (sshsig). */
export function addCertOption(command: Command): Command {
  return command.option("--cert <file>", "sshsig: sign as this OpenSSH certificate of the key (id_ed25519-cert.pub); never picked up on its own");
}

/**
 * The signers that can sign as the certificate in `file`: the key file's (it must be the
 * certified key) or the one agent key it certifies.
 */
export async function certifiedSigners(choice: SignerChoice, file: string): Promise<SignerChoice> {
  const { certify, readCertificate } = await import("../client/certificate.js");
  const certificate = await readCertificate(file);
  const fitting = choice.signers.filter((signer) => signer.publicKey.blob.equals(certificate.subjectKey));
  if (fitting.length === 0) {
    choice.close();
    const held = choice.signers.map((s) => s.publicKey.fingerprintSha256).join(", ");
    throw new CliError(`the certificate ${file} is for another key than ${choice.fromAgent ? `the ssh-agent's (${held})` : held}`);
  }
  return { ...choice, signers: fitting.map((signer) => certify(signer, certificate)) };
}
