import type { Command } from "commander";
import { clockSkewHint } from "../../client/errors.js";
import { signJwtToken } from "../../client/jwt.js";
import { crtauthKeyTypes } from "../../keys/algorithms.js";
import { CliError, urlArgument } from "../errors.js";
import {
  addCertOption,
  addSignerOptions,
  announceRefusal,
  announceSigner,
  certifiedSigners,
  passOverAgentRefusal,
  signersFor,
  type SignerOptions,
} from "../signer-options.js";

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("print an Authorization header value (rfc9421: the Signature-Input and Signature header lines)");
  // jwt and sshauth: nothing tells which key the server wants, so the first agent key that
  // fits signs (or --fingerprint's), and stderr says which one it was.
  addSignerOptions(token.command("jwt").description("an asymmetric-jwt-auth JWT (Authorization: JWT …)")).action(printJwtToken);
  addSignerOptions(token.command("crtauth").description("a Spotify crtauth token from the server's /_auth (Authorization: chap:…)"))
    .requiredOption("--url <base>", "the server to log in to (its origin's /_auth answers the handshake)")
    .action(async (opts: SignerOptions & { url: string }) => {
      const base = urlArgument(opts.url);
      // Each scheme's client is imported by its own subcommand: `token jwt` starts without them.
      const { crtauthLoginWithKeys, CrtauthLoginError } = await import("../../client/crtauth.js");
      const choice = await signersFor(opts, "crtauth");
      try {
        const type = choice.signers[0]!.publicKey.type;
        if (!crtauthKeyTypes.has(type)) throw new CliError(`crtauth needs an RSA key (got ${type})`);
        // The challenge names the key the server wants; with several agent keys that one signs.
        const login = await crtauthLoginWithKeys(base, { username: opts.user, signers: choice.signers }).catch((error: unknown) => {
          if (error instanceof CrtauthLoginError) throw new CliError(error.message);
          if (error instanceof TypeError && "cause" in error) {
            throw new CliError(`request failed: ${(error.cause as Error | undefined)?.message ?? error.message}`);
          }
          throw error;
        });
        process.stdout.write(`chap:${login.token}\n`);
        announceSigner(choice, login.signer);
      } finally {
        choice.close();
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
        url = urlArgument(opts.url);
      } else if (opts.url !== undefined || opts.data !== undefined) {
        throw new CliError("--url and --data only matter with --bind");
      }
      const { authorizationFor } = await import("../../client/authorize.js");
      const choice = await signersFor(opts, "sshauth");
      const signer = choice.signers[0]!;
      try {
        const sshauth = { bind: Boolean(opts.bind), magic: opts.magic, includeFingerprint: !opts.identityOnly };
        const header = await authorizationFor({ scheme: "sshauth", signer, username: opts.user, sshauth }, { url, method: opts.method, body: opts.data }).catch(
          (error: unknown) => {
            throw error instanceof TypeError ? new CliError(error.message) : error;
          },
        );
        process.stdout.write(`${header}\n`);
      } finally {
        choice.close();
      }
      announceSigner(choice, signer);
    });
  // Signed for one request, like `ssh-keygen -Y sign` over the SSHSIG-HTTP-1 message; with
  // --session, one signature (one touch of a security key) buys a bearer token for many.
  addCertOption(addSignerOptions(token.command("sshsig").description("an SSHSIG header for one request (Authorization: SSHSIG …), or --session's token")))
    .requiredOption("--url <url>", "the request URL (its host and path+query are signed); with --session, the server")
    .option("-X, --method <method>", "the request method", "GET")
    .option("-d, --data <body>", "the request body")
    .option("--namespace <ns>", "the server's namespace (default http@passport-sshkey)")
    .option("--session", "exchange one signed request at the server's /_sshsig/token for a short-lived token (Authorization: SSHSIG-Token …)")
    .action(async (opts: SshsigTokenOptions) => {
      urlArgument(opts.url);
      if (opts.session && (opts.data !== undefined || opts.method !== "GET")) throw new CliError("--session signs the token exchange itself: no -X or -d");
      const { sshsigAuthorization } = await import("../../client/sshsig.js");
      const keys = await signersFor(opts, "sshsig");
      const choice = opts.cert === undefined ? keys : await certifiedSigners(keys, opts.cert);
      let signer = choice.signers[0]!;
      const signing = { username: opts.user, namespace: opts.namespace };
      try {
        let header: string;
        if (opts.session) {
          const { sshsigSession, SshsigSessionError } = await import("../../client/sshsig-session.js");
          const session = await sshsigSession({
            ...signing,
            url: opts.url,
            signers: choice.signers,
            onRefused: announceRefusal,
            passOver: passOverAgentRefusal,
          }).catch((error: unknown) => {
            if (error instanceof SshsigSessionError)
              throw new CliError(error.refusal?.code === "clock_skew" ? `${error.message}\n${clockSkewHint}` : error.message);
            if (error instanceof TypeError && "cause" in error)
              throw new CliError(`request failed: ${(error.cause as Error | undefined)?.message ?? error.message}`);
            throw error;
          });
          ({ signer, authorization: header } = session);
          process.stderr.write(`token valid until ${session.expiresAt.toISOString()}\n`);
        } else {
          header = await sshsigAuthorization({ ...signing, signer, url: opts.url, method: opts.method, body: opts.data }).catch((error: unknown) => {
            throw error instanceof TypeError ? new CliError(error.message) : error;
          });
        }
        process.stdout.write(`${header}\n`);
      } finally {
        choice.close();
      }
      announceSigner(choice, signer);
    });
  // Header lines rather than one value: `curl -H @<(passport-sshkey token rfc9421 …)` sends them
  // all. Signed for one request, so the agent's first key that fits signs, as for jwt.
  addSignerOptions(
    token.command("rfc9421").description("RFC 9421 HTTP Message Signature header lines for one request (Signature-Input, Signature, Content-Digest)"),
    "none",
  )
    .requiredOption("--url <url>", "the request URL (@target-uri is signed)")
    .option("-X, --method <method>", "the request method", "GET")
    .option("-d, --data <body>", "the request body (its Content-Digest is signed)")
    .option("--label <label>", "the signature's label (default sig1)")
    .action(async (opts: Rfc9421TokenOptions) => {
      urlArgument(opts.url);
      const { rfc9421Headers } = await import("../../client/rfc9421.js");
      const choice = await signersFor(opts, "rfc9421");
      const signer = choice.signers[0]!;
      try {
        const headers = await rfc9421Headers({ signer, url: opts.url, method: opts.method, body: opts.data, label: opts.label }).catch((error: unknown) => {
          throw error instanceof TypeError ? new CliError(error.message) : error;
        });
        process.stdout.write(`Signature-Input: ${headers["signature-input"]}\nSignature: ${headers.signature}\n`);
        if (headers["content-digest"] !== undefined) process.stdout.write(`Content-Digest: ${headers["content-digest"]}\n`);
      } finally {
        choice.close();
      }
      announceSigner(choice, signer);
    });
}

/** `token jwt`: one JWT signed by the key file's key or the first agent key that fits (or --fingerprint's). */
export async function printJwtToken(opts: SignerOptions): Promise<void> {
  if (opts.user === "") throw new CliError("--user must not be empty");
  const choice = await signersFor(opts, "jwt");
  const signer = choice.signers[0]!;
  try {
    process.stdout.write(`JWT ${await signJwtToken({ signer, username: opts.user })}\n`);
  } finally {
    choice.close();
  }
  announceSigner(choice, signer);
}

interface Rfc9421TokenOptions extends Omit<SignerOptions, "user"> {
  url: string;
  method: string;
  data?: string;
  label?: string;
}

interface SshsigTokenOptions extends SignerOptions {
  url: string;
  session?: boolean;
  method: string;
  data?: string;
  namespace?: string;
  cert?: string;
}

interface SshauthTokenOptions extends SignerOptions {
  magic: string;
  identityOnly?: boolean;
  bind?: boolean;
  url?: string;
  method: string;
  data?: string;
}
