import type { Server } from "node:http";
import type { Command } from "commander";
import { createDemoApp } from "../../server/demo-app.js";
import { shutDownGracefully, shutdownTimeoutFrom } from "../../server/graceful-shutdown.js";
import { parseTrustProxy, type TrustProxy } from "../../server/trust-proxy.js";
import { SshKeyStrategy } from "../../strategy.js";
import { openPrismaStore } from "../../store/prisma/store.js";
import { loadOrCreateCrtauthSecret } from "../../store/prisma/settings.js";
import { CliError } from "../errors.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("migrate the database and run the demo server (/whoami, /healthz, /readyz)")
    .option("--host <host>", "address to listen on (default HOST or 127.0.0.1)")
    .option("--port <port>", "port to listen on (default PORT or 3000)")
    .action(async (opts: { host?: string; port?: string }) => {
      const host = opts.host ?? process.env.HOST ?? "127.0.0.1";
      const port = Number(opts.port ?? process.env.PORT ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid port ${opts.port ?? process.env.PORT}`);
      let trustProxy: TrustProxy;
      let shutdownTimeoutMs: number;
      try {
        trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
        shutdownTimeoutMs = shutdownTimeoutFrom(process.env.SHUTDOWN_TIMEOUT_MS);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const store = await openPrismaStore({
        activity: {
          // At most once a second while the database refuses writes and the event queue is full.
          onDrop: (dropped) =>
            process.stderr.write(`passport-sshkey: event queue full while the database refuses writes: dropped ${dropped.failures} failure and ${dropped.successes} success events so far\n`),
        },
      });
      // crtauth: CRTAUTH_SECRET (+ CRTAUTH_PREVIOUS_SECRET) if set, else one generated on first
      // start and kept in the Setting table, so restarts and sibling instances share it.
      const crtauth = process.env.CRTAUTH_SECRET
        ? { secret: process.env.CRTAUTH_SECRET, previousSecret: process.env.CRTAUTH_PREVIOUS_SECRET || undefined }
        : { secret: await loadOrCreateCrtauthSecret(store.database.prisma) };
      // Console sign-ins and link redemptions per IP and minute (default 10).
      const signInsPerMinute = Number(process.env.SIGNIN_RATE_LIMIT ?? 10);
      if (!Number.isInteger(signInsPerMinute) || signInsPerMinute < 1) throw new CliError("SIGNIN_RATE_LIMIT must be a positive integer");
      const app = createDemoApp({
        strategy: new SshKeyStrategy({ store, crtauth }),
        crtauth: { ...crtauth, store },
        admin: { rateLimit: { capacity: signInsPerMinute, refillPerMinute: signInsPerMinute } },
        trustProxy,
      });
      const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(port, host, () => resolve(s)).once("error", reject);
      });
      const address = server.address();
      const shownPort = typeof address === "object" && address ? address.port : port;
      process.stdout.write(`passport-sshkey listening on http://${host}:${shownPort} (database: ${store.database.provider})\n`);
      // Drain in-flight requests, then write buffered events and last-used times, within SHUTDOWN_TIMEOUT_MS.
      const shutdown = () => void shutDownGracefully(server, { timeoutMs: shutdownTimeoutMs, release: () => store.close() });
      process.once("SIGTERM", shutdown);
      process.once("SIGINT", shutdown);
    });
}
