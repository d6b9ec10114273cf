import type { Command } from "commander";
import { createJwtAuthorization, serverRefusal, tryKeysInTurn } from "../../client/index.js";
import { consoleRoot, createSignInLink } from "../../admin/sessions.js";
import { defaultServerUrl } from "../environment.js";
import type { Signer } from "../../client/signer.js";
import { CliError, describeRefusal } from "../errors.js";
import { addSignerOptions, announceRefusal, announceSigner, signersFor, type SignerOptions } from "../signer-options.js";
import { withStore } from "../store.js";
import { sessionChange } from "../../audit/targets.js";
import { recordCliChanges } from "../audit.js";

function rootOf(url: string, what: string): URL {
  try {
    const root = consoleRoot(url);
    if (root.protocol !== "http:" && root.protocol !== "https:") throw new Error("scheme");
    return root;
  } catch {
    throw new CliError(`${what} must be an http(s) URL (got ${url})`);
  }
}

/** `console-link` (server host: a link written straight into the database) and `login` (prove a key, get a link). */
export function registerConsoleCommands(program: Command): void {
  program
    .command("console-link <username>")
    .description("on the server host: print a one-time, 5-minute sign-in link to the key console (bootstrap for the first admin)")
    .option("--base-url <url>", "the server's URL (a bare origin means its /admin console; default http://HOST:PORT as serve listens)")
    .action(async (username: string, opts: { baseUrl?: string }) => {
      const root = rootOf(opts.baseUrl ?? defaultServerUrl(), "--base-url");
      const { secret } = await withStore(async (store) => {
        const user = await store.directory.findUser(username);
        if (user.disabled) throw new CliError(`user ${username} is disabled`);
        const link = await createSignInLink(store.sessions, user.id);
        await recordCliChanges(store, sessionChange("session.link_issued", user, { method: "cli", expiresAt: link.expiresAt }));
        return link;
      });
      process.stdout.write(`${root.href}/login/${secret}\n`);
    });

  addSignerOptions(
    program
      .command("login [console-url]")
      .description(
        "prove possession of a key (JWT scheme) to a console and print a one-time sign-in link (default console: http://HOST:PORT/admin as serve listens)",
      ),
  ).action(async (url: string | undefined, opts: SignerOptions) => {
    const root = rootOf(url ?? defaultServerUrl(), "the console URL");
    const choice = await signersFor(opts, "jwt");
    const signIn = async (signer: Signer): Promise<Response> => {
      // Bound to this console (aud = its URL): the console refuses tokens made for anything else.
      const authorization = await createJwtAuthorization({ signer, username: opts.user, audience: root.href });
      try {
        return await fetch(`${root.href}/api/login/jwt`, { method: "POST", headers: { authorization, accept: "application/json" } });
      } catch (error) {
        throw new CliError(`request failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
      }
    };
    let response: Response;
    try {
      const attempt = await tryKeysInTurn(choice.signers, signIn, { response: (r) => r, onRefused: announceRefusal });
      response = attempt.result;
      announceSigner(choice, attempt.signer);
    } finally {
      choice.close();
    }
    const text = await response.text();
    let body: { link?: unknown; error?: { code?: unknown; message?: unknown } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: reported below
    }
    if (!response.ok || typeof body.link !== "string") {
      const refusal = serverRefusal(body);
      const reason = refusal === null ? `HTTP ${response.status}` : describeRefusal(refusal);
      throw new CliError(`sign-in refused (${reason})`);
    }
    process.stdout.write(`${body.link}\n`);
  });
}
