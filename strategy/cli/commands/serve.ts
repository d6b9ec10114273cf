import type { Server } from "node:http";
import type { Command } from "commander";
import { consoleRoot } from "../../admin/sessions.js";
import { createDemoApp } from "../../server/demo-app.js";
import { integerSetting } from "../../integer-setting.js";
import { lockoutFromEnv } from "./key-limits.js";
import { shutDownGracefully } from "../../server/graceful-shutdown.js";
import { parseTrustProxy, type TrustProxy } from "../../server/trust-proxy.js";
import { SshKeyStrategy } from "../../strategy.js";
import { loadOrCreateCrtauthSecret, openDefaultStore } from "../../store/index.js";
import { dotEnvFile } from "../dot-env.js";
import { databaseFileMissing, describeDatabase } from "../environment.js";
import { CliError } from "../errors.js";
import { ldapSettings } from "../../sources/ldap/options.js";
import { startLdapSync } from "../../sources/ldap/start.js";
import { ldapOptionsOrExit } from "./ldap.js";
import { keyImportSettingsFromEnv } from "../key-import-environment.js";
import { KeyImporter } from "../../import/key-importer.js";
import type { KeyImportSettings } from "../../import/options.js";
import { startPeriodicSync } from "../../import/periodic-sync.js";
import { mailerFromEnvironment, type Mailer } from "../../notify/mail/mailer.js";
import { startNotifications } from "../../notify/start.js";
import { auditedDirectory } from "../../audit/audited-directory.js";
import { AuditRecorder, systemOrigin } from "../../audit/recorder.js";
import type { KeyDirectory, SshKeyStore } from "../../store/ports.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("migrate the database and run the demo server (/whoami, /healthz, /readyz)")
    .option("--host <host>", "address to listen on (default HOST or 127.0.0.1)")
    .option("--port <port>", "port to listen on (default PORT or 3000)")
    .option("--bind-requests", "sshauth: require tokens bound to their request (method, path, host, body; clients sign with --bind)")
    .action(async (opts: { host?: string; port?: string; bindRequests?: boolean }) => {
      const host = opts.host ?? process.env.HOST ?? "127.0.0.1";
      const port = Number(opts.port ?? process.env.PORT ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid port ${opts.port ?? process.env.PORT}`);
      const publicUrl = publicConsoleUrl();
      const created = databaseFileMissing();
      let trustProxy: TrustProxy;
      let shutdownTimeoutMs: number;
      let signInsPerMinute: number;
      let jwksAllowPrivateAddresses: boolean;
      let keyImport: KeyImportSettings;
      let syncIntervalSeconds: number;
      let webhookAllowPrivateAddresses: boolean;
      let failuresThreshold: number;
      let mailer: Mailer | null;
      let lockout: ReturnType<typeof lockoutFromEnv>;
      try {
        trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
        shutdownTimeoutMs = integerSetting("SHUTDOWN_TIMEOUT_MS", { default: 10_000, min: 1, what: "a positive integer of milliseconds" });
        // Console sign-ins and link redemptions per IP and minute.
        signInsPerMinute = integerSetting("SIGNIN_RATE_LIMIT", { default: 10, min: 1, what: "a positive integer" });
        // Off unless asked for: any user may add a JWKS URL, and the server fetches it.
        jwksAllowPrivateAddresses = integerSetting("JWKS_ALLOW_PRIVATE_ADDRESSES", { default: 0, min: 0, what: "0 or 1" }) !== 0;
        keyImport = keyImportSettingsFromEnv();
        syncIntervalSeconds = integerSetting("KEY_SYNC_INTERVAL_SECONDS", { default: 3600, min: 0, what: "0 (off) or a number of seconds" });
        webhookAllowPrivateAddresses = integerSetting("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", { default: 0, min: 0, what: "0 or 1" }) !== 0;
        failuresThreshold = integerSetting("NOTIFY_FAILURES_THRESHOLD", { default: 10, min: 1, what: "a positive integer" });
        mailer = mailerFromEnvironment();
        lockout = lockoutFromEnv();
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const ldap = ldapOptionsOrExit();
      // Checked before the store opens, so a bad LDAP setting stops startup with one line.
      if (ldap) {
        try {
          ldapSettings(ldap);
        } catch (error) {
          throw new CliError((error as Error).message);
        }
      }
      const store = await openDefaultStore({
        activity: {
          // At most once a second while the database refuses writes and the event queue is full.
          onDrop: (dropped) =>
            process.stderr.write(
              `passport-sshkey: event queue full while the database refuses writes: dropped ${dropped.failures} failure and ${dropped.successes} success events so far\n`,
            ),
        },
      });
      // crtauth: CRTAUTH_SECRET (+ CRTAUTH_PREVIOUS_SECRET) if set, else one generated on first
      // start and kept in the Setting table, so restarts and sibling instances share it.
      const crtauth = process.env.CRTAUTH_SECRET
        ? { secret: process.env.CRTAUTH_SECRET, previousSecret: process.env.CRTAUTH_PREVIOUS_SECRET || undefined }
        : { secret: await loadOrCreateCrtauthSecret(store.settings) };
      const app = createDemoApp({
        strategy: new SshKeyStrategy({
          store,
          crtauth,
          sshauth: { bindRequests: Boolean(opts.bindRequests) },
          jwks: { allowPrivateAddresses: jwksAllowPrivateAddresses },
          lockout,
        }),
        crtauth: { ...crtauth, store },
        admin: { rateLimit: { capacity: signInsPerMinute, refillPerMinute: signInsPerMinute }, publicUrl, keyImport },
        trustProxy,
      });
      let server: Server;
      try {
        server = await listen(app, port, host);
      } catch (error) {
        await store.close();
        throw new CliError(listenFailure(error, host, port));
      }
      const address = server.address();
      const shownPort = typeof address === "object" && address ? address.port : port;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      process.stdout.write(
        `passport-sshkey listening on http://${shownHost}:${shownPort} (database: ${describeDatabase()}${created ? ", created" : ""}` +
          `${dotEnvFile() ? `; settings from ${dotEnvFile()}` : ""}${opts.bindRequests ? "; sshauth request binding on" : ""}` +
          `${ldap ? `; LDAP sync from ${ldap.url} every ${ldapSettings(ldap).refreshMs / 1000} s` : ""})\n`,
      );
      const ldapSync = ldap ? startLdapSync({ store, ldap }) : null;
      // Imported keys follow their sources: gone upstream → revoked, new → added unverified.
      const stopSync =
        syncIntervalSeconds === 0
          ? async () => {}
          : startPeriodicSync(new KeyImporter({ ...store, directory: keySyncDirectory(store), options: keyImport, now: Date.now }), store.keySources, {
              intervalMs: syncIntervalSeconds * 1000,
              now: Date.now,
              log: (message) => process.stderr.write(`passport-sshkey: ${message}\n`),
            });
      // Webhooks and mails: key added, revoked or deleted by an admin, expiring, counter alarms, repeated failures.
      const notifications = startNotifications({
        store,
        mailer,
        webhooks: { allowPrivateAddresses: webhookAllowPrivateAddresses },
        repeatedFailures: { threshold: failuresThreshold },
        log: (error) => process.stderr.write(`passport-sshkey: notification failed: ${error instanceof Error ? error.message : String(error)}\n`),
      });
      // Drain in-flight requests, then write buffered events and last-used times, within SHUTDOWN_TIMEOUT_MS.
      const release = async () => {
        await stopSync();
        await ldapSync?.stop();
        await notifications.stop();
        await store.close();
      };
      const shutdown = () => void shutDownGracefully(server, { timeoutMs: shutdownTimeoutMs, release });
      process.once("SIGTERM", shutdown);
      process.once("SIGINT", shutdown);
    });
}

/** The directory as the periodic key sync changes it: each key it imports or revokes is audited as the system actor "key-sync". */
function keySyncDirectory(store: SshKeyStore): KeyDirectory {
  return auditedDirectory(store.directory, new AuditRecorder(store.audit), systemOrigin("key-sync"));
}

/** PUBLIC_URL is the server's external URL; a bare origin means its /admin console. */
function publicConsoleUrl(): string | undefined {
  const url = process.env.PUBLIC_URL;
  if (!url) return undefined;
  try {
    return consoleRoot(url).href;
  } catch {
    throw new CliError(`PUBLIC_URL must be an http(s) URL (got ${url})`);
  }
}

/** Express 5 hands a listen error to the callback (and emits it): either way it rejects here. */
function listen(app: ReturnType<typeof createDemoApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.once("error", reject);
  });
}

function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return `port ${port} is already in use on ${host} (choose another with --port or PORT)`;
  if (code === "EACCES") return `no permission to listen on port ${port} of ${host}`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${host}: no such local address`;
  return `cannot listen on ${host}:${port}: ${(error as Error).message}`;
}
