import fs from "node:fs";
import path from "node:path";
import { ldapEnvironmentVariables } from "../sources/ldap/environment-variables.js";
import { defaultDatabaseUrl, locateDatabase, packageRoot } from "../store/location.js";

/** Every environment variable the program reads, for `--help`. */
export const environmentVariables: readonly [name: string, meaning: string][] = [
  ["DATABASE_URL", `file:PATH (SQLite) or postgresql://… (default ${defaultDatabaseUrl}, relative to the working directory)`],
  ["REDIS_URL", "redis://… for replay protection and change wake-ups shared by several instances"],
  ["HOST", "serve: address to listen on; console-link/login: the server to talk to (default 127.0.0.1)"],
  ["PORT", "serve: port to listen on; console-link/login: the server's port (default 3000)"],
  ["CRTAUTH_SECRET", "serve: crtauth HMAC secret shared by every instance (default: generated once into the database)"],
  ["CRTAUTH_PREVIOUS_SECRET", "serve: the secret before a rotation, still accepted"],
  [
    "PUBLIC_URL",
    "the server's external URL (e.g. https://keys.example.com): serve's console links and sign-in audience, console-link/login's default server (default http://HOST:PORT)",
  ],
  ["SIGNIN_RATE_LIMIT", "serve: console sign-ins and link redemptions per IP and minute (default 10)"],
  ["SHUTDOWN_TIMEOUT_MS", "serve: how long SIGTERM waits for in-flight requests and the last event writes (default 10000)"],
  ["EVENT_RETENTION_DAYS", "days authentication events are kept (default 90; 0 keeps them forever)"],
  ["RSA_MAX_BITS", "largest RSA key accepted, in bits (default 8192, at most 16384)"],
  ["MAX_KEYS_PER_USER", "keys one user may hold, revoked ones included (default 50)"],
  [
    "JWKS_ALLOW_PRIVATE_ADDRESSES",
    "serve, keys import/sync: 1 lets JWKS URLs and key import sources reach loopback, private and link-local hosts (default 0: refused)",
  ],
  ["GITHUB_URL", "keys import/sync: where gh:LOGIN key lists are read (default https://github.com; a GitHub Enterprise URL)"],
  ["GITLAB_URL", "keys import/sync: where gitlab:LOGIN key lists are read (default https://gitlab.com); gitlab:HOST/LOGIN reads https://HOST"],
  ["KEY_SYNC_INTERVAL_SECONDS", "serve: how often imported keys are synced with their sources (default 3600; 0 turns it off)"],
  ...ldapEnvironmentVariables,
  ["SMTP_URL", "serve: smtp://[user:pass@]host:port (smtps:// for TLS) where notification mails are sent; unset: no mail"],
  ["SMTP_FROM", "serve: the From: of notification mails, e.g. 'Keys <keys@example.com>' (needed with SMTP_URL)"],
  ["WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "serve: 1 lets webhooks be delivered to loopback and private hosts (default 0: refused)"],
  ["NOTIFY_FAILURES_THRESHOLD", "serve: failed sign-ins naming one user within 15 minutes that notify them and webhooks (default 10)"],
  ["KEY_LOCKOUT_AFTER_FAILURES", "serve: lock a key after this many consecutive refused attempts naming it (default 10; 0 turns lockout off)"],
  ["KEY_LOCKOUT_SECONDS", "serve: how long such a lock lasts, in seconds (default 900; an admin can unlock sooner)"],
  ["TRUST_PROXY", "serve: Express 'trust proxy' setting, so req.ip is the client's behind a load balancer"],
  ["SSHKEY_PASSPHRASE", "passphrase of an encrypted --key file"],
  ["SSH_AUTH_SOCK", "the ssh-agent socket --agent signs with"],
  ["DEBUG", "print stack traces of unexpected errors"],
];

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** Where the database is, for people: the SQLite file's absolute path, or the PostgreSQL URL without its password. */
export function describeDatabase(url: string | undefined = process.env.DATABASE_URL || undefined): string {
  let location;
  try {
    location = locateDatabase(url);
  } catch (error) {
    return `invalid DATABASE_URL (${(error as Error).message})`;
  }
  if (location.file) return `SQLite ${location.file}`;
  try {
    const parsed = new URL(location.url);
    if (parsed.password) parsed.password = "***";
    return `PostgreSQL ${parsed.toString()}`;
  } catch {
    return "PostgreSQL";
  }
}

/** True when the database is a SQLite file that does not exist yet (the first start creates it). */
export function databaseFileMissing(url: string | undefined = process.env.DATABASE_URL || undefined): boolean {
  try {
    const { file } = locateDatabase(url);
    return file !== undefined && file !== ":memory:" && !fs.existsSync(file);
  } catch {
    return false;
  }
}

/** `http://HOST:PORT` as `serve` listens by default, made into a URL a client can reach. */
export function defaultServerUrl(): string {
  if (process.env.PUBLIC_URL) return process.env.PUBLIC_URL;
  const host = process.env.HOST || "127.0.0.1";
  const port = process.env.PORT || "3000";
  // A wildcard listen address is reachable on loopback; IPv6 literals need brackets in URLs.
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}
