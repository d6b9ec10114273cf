// Child side of every HTTP server under test: listen on a loopback port, tell the parent,
// sample RSS every 50 ms (peak since the last reset), shut down on request.
import type { Server } from "node:http";
import express, { type RequestHandler } from "express";
import type { AddressInfo } from "node:net";
import { failChild, tellParent } from "../../lib/child.js";

const mb = (bytes: number) => bytes / (1024 * 1024);

export interface Started {
  server: Server;
  close?: () => Promise<void>;
}

export function runServer(start: () => Promise<Started>): void {
  start()
    .then(({ server, close }) => {
      let peak = process.memoryUsage.rss();
      const idle = peak;
      const sampler = setInterval(() => {
        const rss = process.memoryUsage.rss();
        if (rss > peak) peak = rss;
      }, 50);
      sampler.unref();
      process.on("message", (message: { type?: string }) => {
        if (message.type === "rss-reset") {
          peak = process.memoryUsage.rss();
          tellParent({ type: "rss-reset-done" });
        } else if (message.type === "rss-report") {
          tellParent({ type: "rss", idleMb: mb(idle), peakMb: mb(peak), currentMb: mb(process.memoryUsage.rss()) });
        } else if (message.type === "shutdown") {
          clearInterval(sampler);
          server.closeAllConnections();
          server.close();
          (close ?? (async () => {}))().finally(() => process.exit(0));
        }
      });
      process.on("disconnect", () => process.exit(0));
      tellParent({ type: "ready", port: (server.address() as AddressInfo).port });
    })
    .catch(failChild);
}

export function listenLoopback(app: { listen(port: number, host: string, cb: () => void): Server }): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/**
 * The demo app's shape for the peers: `/whoami` behind `auth` (if any) answering the same
 * JSON as the demo server, JSON 404s elsewhere.
 */
export function whoamiApp(scheme: string, auth?: RequestHandler): express.Express {
  const app = express();
  app.set("trust proxy", false);
  app.disable("x-powered-by");
  const answer: RequestHandler = (req, res) => {
    const user = (req.user as { username?: string } | undefined) ?? { username: "alice" };
    res.json({ username: user.username, scheme, fingerprint: "SHA256:-" });
  };
  if (auth) app.get("/whoami", auth, answer);
  else app.get("/whoami", answer);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: "not_found", message: "no such route" } });
  });
  return app;
}
