import type { Command } from "commander";
import { CrtauthLoginError, crtauthLoginWithKeys, serverRefusal, sshkeyFetch, tryKeysInTurn, type ClientScheme } from "../../client/index.js";
import type { Signer } from "../../client/signer.js";
import { CliError, describeRefusal, urlArgument } from "../errors.js";
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

interface RequestOptions extends Omit<SignerOptions, "user"> {
  user?: string;
  scheme: string;
  method: string;
  data?: string;
  header?: string[];
  include?: boolean;
  bind?: boolean;
  magic?: string;
  namespace?: string;
  cert?: string;
  label?: string;
}

export function registerRequestCommand(program: Command): void {
  addCertOption(addSignerOptions(program.command("request <url>").description("make an authenticated HTTP request and print the response"), "optional"))
    .option("--scheme <scheme>", "jwt, sshauth, crtauth, sshsig or rfc9421 (HTTP Message Signatures: the key names the user, no --user)", "jwt")
    .option("--bind", "sshauth: bind the token to this request (method, path, host, body)")
    .option("--magic <prefix>", "sshauth: 8-byte application prefix the server expects (default byo.e.m.)")
    .option("--namespace <ns>", "sshsig: the server's namespace (default http@passport-sshkey)")
    .option("--label <label>", "rfc9421: the signature's label in Signature-Input and Signature (default sig1)")
    .option("-X, --method <method>", "HTTP method", "GET")
    .option("-d, --data <body>", "request body")
    .option("-H, --header <header...>", "extra request header(s), 'Name: value'")
    .option("-i, --include", "print the status line and response headers")
    .action(async (url: string, opts: RequestOptions) => {
      const schemes: ClientScheme[] = ["jwt", "sshauth", "crtauth", "sshsig", "rfc9421"];
      if (!schemes.includes(opts.scheme as ClientScheme)) throw new CliError(`unknown scheme ${opts.scheme}; available: ${schemes.join(", ")}`);
      if (opts.scheme === "rfc9421" && opts.user !== undefined) throw new CliError("rfc9421 names the user by the key (keyid): no --user");
      if (opts.scheme !== "rfc9421" && opts.user === undefined) throw new CliError(`${opts.scheme} needs --user <username>`);
      if (opts.scheme !== "rfc9421" && opts.label !== undefined) throw new CliError("--label is an rfc9421 option");
      if (opts.scheme !== "sshauth" && (opts.bind || opts.magic !== undefined)) throw new CliError("--bind and --magic are sshauth options");
      if (opts.scheme !== "sshsig" && (opts.namespace !== undefined || opts.cert !== undefined))
        throw new CliError("--namespace and --cert are sshsig options");
      const target = urlArgument(url);
      const headers = new Headers();
      for (const line of opts.header ?? []) {
        const colon = line.indexOf(":");
        if (colon <= 0) throw new CliError(`--header must be 'Name: value' (got ${line})`);
        headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const scheme = opts.scheme as ClientScheme;
      const keys = await signersFor(opts, scheme);
      const choice = opts.cert === undefined ? keys : await certifiedSigners(keys, opts.cert);
      const init = { method: opts.method, headers, body: opts.data ?? null };
      const authorize = {
        username: opts.user,
        sshauth: { bind: Boolean(opts.bind), magic: opts.magic },
        sshsig: { namespace: opts.namespace },
        rfc9421: { label: opts.label },
      };
      let response: Response;
      let signer: Signer;
      try {
        if (scheme === "crtauth" && choice.signers.length > 1) {
          // The challenge names the key the server wants: sign with that one.
          const login = await crtauthLoginWithKeys(target, { username: opts.user!, signers: choice.signers });
          signer = login.signer;
          headers.set("authorization", `chap:${login.token}`);
          response = await fetch(target, init);
        } else {
          ({ result: response, signer } = await tryKeysInTurn(
            choice.signers,
            (candidate) => sshkeyFetch(target, init, { ...authorize, scheme, signer: candidate }),
            { response: (r) => r, onRefused: announceRefusal, passOver: passOverAgentRefusal },
          ));
        }
      } catch (error) {
        if (error instanceof CrtauthLoginError) throw new CliError(error.message);
        if (!(error instanceof TypeError) || !("cause" in error)) throw error;
        throw new CliError(`request failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
      } finally {
        choice.close();
      }
      announceSigner(choice, signer);
      if (opts.include) {
        process.stdout.write(`HTTP ${response.status} ${response.statusText}\n`);
        response.headers.forEach((value, name) => process.stdout.write(`${name}: ${value}\n`));
        process.stdout.write("\n");
      }
      const body = await response.text();
      process.stdout.write(body.endsWith("\n") || body === "" ? body : `${body}\n`);
      if (!response.ok) {
        const refusal = serverRefusal(parsedJson(body));
        if (refusal?.code === "clock_skew") process.stderr.write(`${describeRefusal(refusal)}\n`);
        throw new CliError(`HTTP ${response.status}`, 22);
      }
    });
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
