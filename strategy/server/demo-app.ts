import express, { type Express } from "express";
import passport from "passport";
import { errorBody } from "../http/error-response.js";
import { sshkeyErrorHandler } from "../http/error-handler.js";
import { createCrtauthRouter, type CrtauthRouterOptions } from "../schemes/crtauth/router.js";
import type { SshKeyAuthInfo, SshKeyStrategy } from "../strategy.js";
import { adminStoreOf, createAdminRouter, type AdminRouterOptions } from "../admin/router.js";
import type { StoredUser } from "../store/ports.js";
import { parseTrustProxy, type TrustProxy } from "./trust-proxy.js";

export interface DemoAppOptions {
  strategy: SshKeyStrategy;
  log?: (error: unknown) => void;
  /** Mount the crtauth handshake at `/_auth` (store defaults to the strategy's). */
  crtauth?: Omit<CrtauthRouterOptions, "store"> & Partial<Pick<CrtauthRouterOptions, "store">>;
  /** The key-management console API at `/admin` (store defaults to the strategy's Prisma store); `false` leaves it out. */
  admin?: false | (Omit<AdminRouterOptions, "store"> & Partial<Pick<AdminRouterOptions, "store">>);
  /** Express "trust proxy" (default: TRUST_PROXY, parsed by parseTrustProxy). */
  trustProxy?: TrustProxy;
}

/** The demo server: `/whoami` behind SshKeyStrategy, `/healthz`, JSON errors everywhere. */
export function createDemoApp(options: DemoAppOptions): Express {
  const authenticator = new passport.Passport();
  authenticator.use(options.strategy.name, options.strategy);
  const app = express();
  app.set("trust proxy", options.trustProxy ?? parseTrustProxy(process.env.TRUST_PROXY));
  app.disable("x-powered-by");
  // No authenticator.initialize(): passport ≥ 0.6 sets up req.login & co. in authenticate()
  // itself, and initialize() on every request (authenticated or not) cost ~10% of the
  // /whoami throughput in `npm run bench`.
  if (options.crtauth) {
    const strategy = options.strategy;
    app.use(createCrtauthRouter({ ...options.crtauth, store: options.crtauth.store ?? (() => strategy.store()) }));
  }

  if (options.admin !== false) {
    const strategy = options.strategy;
    app.use("/admin", createAdminRouter({ log: options.log, ...options.admin, store: options.admin?.store ?? (() => adminStoreOf(strategy)) }));
  }

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
