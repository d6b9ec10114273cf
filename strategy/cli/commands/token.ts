import type { Command } from "commander";
import { authorizationFor, createJwtAuthorization, crtauthLogin, CrtauthLoginError } from "../../client/index.js";
import { CliError } from "../errors.js";
import { addSignerOptions, signerFrom, type SignerOptions } from "../signer-options.js";

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("print an Authorization header value");
  addSignerOptions(token.command("jwt").description("an asymmetric-jwt-auth JWT (Authorization: JWT …)")).action(
    async (opts: SignerOptions) => {
      const signer = await signerFrom(opts);
      try {
        process.stdout.write(`${await createJwtAuthorization({ signer, username: opts.user })}\n`);
      } finally {
        signer.close();
      }
    },
  );
  addSignerOptions(token.command("crtauth").description("a Spotify crtauth token from the server's /_auth (Authorization: chap:…)"))
    .requiredOption("--url <base>", "the server to log in to (its origin's /_auth answers the handshake)")
    .action(async (opts: SignerOptions & { url: string }) => {
      let base: URL;
      try {
        base = new URL(opts.url);
      } catch {
        throw new CliError(`not a URL: ${opts.url}`);
      }
      const signer = await signerFrom(opts);
      try {
        if (signer.publicKey.type !== "ssh-rsa") throw new CliError(`crtauth needs an RSA key (got ${signer.publicKey.type})`);
        const tokenText = await crtauthLogin(base, { username: opts.user, signer }).catch((error: unknown) => {
          if (error instanceof CrtauthLoginError) throw new CliError(error.message);
          if (error instanceof TypeError && "cause" in error) {
            throw new CliError(`request failed: ${(error.cause as Error | undefined)?.message ?? error.message}`);
          }
          throw error;
        });
        process.stdout.write(`chap:${tokenText}\n`);
      } finally {
        signer.close();
      }
    });
  addSignerOptions(token.command("sshauth").description("an Oxide sshauth token (Authorization: Bearer …)"))
    .option("--magic <prefix>", "8-byte application prefix the server expects", "byo.e.m.")
    .option("--identity-only", "leave the key fingerprint out of the token (the server then tries every key of --user)")
    .option("--bind", "bind the token to one request (server option bindRequests / route option sshauthBinding)")
    .option("--url <url>", "with --bind: the request URL")
    .option("-X, --method <method>", "with --bind: the request method", "GET")
    .option("-d, --data <body>", "with --bind: the request body")
    .action(async (opts: SshauthTokenOptions) => {
      let url = new URL("http://unbound.invalid/");
      if (opts.bind) {
        if (!opts.url) throw new CliError("--bind needs --url (and --method/--data when not a bodiless GET)");
        try {
          url = new URL(opts.url);
        } catch {
          throw new CliError(`not a URL: ${opts.url}`);
        }
      } else if (opts.url !== undefined || opts.data !== undefined) {
        throw new CliError("--url and --data only matter with --bind");
      }
      const signer = await signerFrom(opts);
      try {
        const sshauth = { bind: Boolean(opts.bind), magic: opts.magic, includeFingerprint: !opts.identityOnly };
        const header = await authorizationFor(
          { scheme: "sshauth", signer, username: opts.user, sshauth },
          { url, method: opts.method, body: opts.data },
        ).catch((error: unknown) => {
          throw error instanceof TypeError ? new CliError(error.message) : error;
        });
        process.stdout.write(`${header}\n`);
      } finally {
        signer.close();
      }
    });
}

interface SshauthTokenOptions extends SignerOptions {
  magic: string;
  identityOnly?: boolean;
  bind?: boolean;
  url?: string;
  method: string;
  data?: string;
}
