import type { Command } from "commander";

/** Adds one command module's top-level commands to the program. */
type Register = (program: Command) => void;

/** One top-level command: what `--help` lists for it, and the module that defines it. */
export interface TopLevelCommand {
  name: string;
  /** The help listing's left column, as commander prints it for the real command. */
  term: string;
  description: string;
  /** Commands of one module share its loader; they stand next to each other here. */
  load: () => Promise<Register>;
}

const users = () => import("./commands/users.js").then((m) => m.registerUserCommands);
const publish = () => import("./commands/publish.js").then((m) => m.registerPublishCommands);
const consoleCommands = () => import("./commands/console.js").then((m) => m.registerConsoleCommands);

// Every command module, in `--help` order. Only the invoked command's module is imported: each
// one reaches its own part of the codebase (serve: express, passport, ldapts, nodemailer…), and
// importing them all made every CLI start pay for all of them. test/cli/command-table.test.ts
// checks that the names, terms and descriptions here are the modules' own.
export const topLevelCommands: readonly TopLevelCommand[] = [
  {
    name: "serve",
    term: "serve [options]",
    description: "migrate the database and run the demo server (/whoami, /healthz, /readyz)",
    load: () => import("./commands/serve.js").then((m) => m.registerServeCommand),
  },
  { name: "users", term: "users", description: "manage users", load: users },
  {
    name: "keys",
    term: "keys",
    description: "manage SSH public keys",
    load: () => import("./commands/keys.js").then((m) => m.registerKeyCommands),
  },
  {
    name: "ca",
    term: "ca",
    description: "manage trusted OpenSSH certificate authorities (user certificates over SSHSIG)",
    load: () => import("./commands/ca.js").then((m) => m.registerCaCommands),
  },
  {
    name: "policy",
    term: "policy",
    description: "the instance key policy: which keys may be added and sign in",
    load: () => import("./commands/policy.js").then((m) => m.registerPolicyCommands),
  },
  {
    name: "ldap",
    term: "ldap",
    description: "the LDAP key source (LDAP_URL, LDAP_BASE_DN, …): users and keys kept in step with a directory",
    load: () => import("./commands/ldap.js").then((m) => m.registerLdapCommands),
  },
  {
    name: "authorized-keys",
    term: "authorized-keys [options] <username>",
    description: "print the user's active keys as authorized_keys lines, for sshd's AuthorizedKeysCommand (nothing for an unknown or disabled user)",
    load: publish,
  },
  {
    name: "allowed-signers",
    term: "allowed-signers [options]",
    description:
      "print every user's active keys as an allowed_signers file (principal: the username), for ssh-keygen -Y verify and git's gpg.ssh.allowedSignersFile",
    load: publish,
  },
  {
    name: "token",
    term: "token",
    description: "print an Authorization header value (rfc9421: the Signature-Input and Signature header lines)",
    load: () => import("./commands/token.js").then((m) => m.registerTokenCommands),
  },
  {
    name: "request",
    term: "request [options] <url>",
    description: "make an authenticated HTTP request and print the response",
    load: () => import("./commands/request.js").then((m) => m.registerRequestCommand),
  },
  {
    name: "console-link",
    term: "console-link [options] <username>",
    description: "on the server host: print a one-time, 5-minute sign-in link to the key console (bootstrap for the first admin)",
    load: consoleCommands,
  },
  {
    name: "login",
    term: "login [options] [console-url]",
    description:
      "prove possession of a key (JWT scheme) to a console and print a one-time sign-in link (default console: http://HOST:PORT/admin as serve listens)",
    load: consoleCommands,
  },
  {
    name: "webhooks",
    term: "webhooks",
    description: "manage the webhooks that receive signed notifications",
    load: () => import("./commands/webhooks.js").then((m) => m.registerWebhookCommands),
  },
  {
    name: "audit",
    term: "audit",
    description: "the audit log: who changed which key, user, CA or setting, and when",
    load: () => import("./commands/audit.js").then((m) => m.registerAuditCommands),
  },
];

/**
 * The top-level command `argv` invokes (`help NAME` counts as NAME), or null for none, an
 * unknown one or top-level options only: then every command is a stub and help or the
 * "unknown command" error comes from the stubs alone.
 */
export function invokedCommand(argv: readonly string[]): TopLevelCommand | null {
  const words = argv.slice(2).filter((word) => !word.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return topLevelCommands.find((command) => command.name === name) ?? null;
}
