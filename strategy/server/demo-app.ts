import express, { type Express } from "express";
import passport from "passport";
import { errorBody } from "../http/error-response.js";
import { sshkeyErrorHandler } from "../http/error-handler.js";
import type { SshKeyAuthInfo, SshKeyStrategy } from "../strategy.js";
import type { StoredUser } from "../store/ports.js";

export interface DemoAppOptions {
  strategy: SshKeyStrategy;
  log?: (error: unknown) => void;
}

/** The demo server: `/whoami` behind SshKeyStrategy, `/healthz`, JSON errors everywhere. */
export function createDemoApp(options: DemoAppOptions): Express {
  const authenticator = new passport.Passport();
  authenticator.use(options.strategy.name, options.strategy);
  const app = express();
  app.set("trust proxy", process.env.TRUST_PROXY ?? false);
  app.disable("x-powered-by");
  app.use(authenticator.initialize());

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });

  app.get(
    "/whoami",
    authenticator.authenticate(options.strategy.name, { session: false, failWithError: true }),
    (req, res) => {
      const user = req.user as StoredUser;
      const info = req.authInfo as SshKeyAuthInfo;
      res.json({ username: user.username, scheme: info.scheme, fingerprint: info.fingerprint });
    },
  );

  app.use((_req, res) => {
    res.status(404).json(errorBody("not_found", "no such route"));
  });
  app.use(sshkeyErrorHandler({ log: options.log }));
  return app;
}
