import express, { type Express } from "express";
import passport from "passport";
import { errorBody } from "../http/error-response.js";
import { sshkeyErrorHandler } from "../http/error-handler.js";
import { createCrtauthRouter, type CrtauthRouterOptions } from "../schemes/crtauth/router.js";
import { createSshsigTokenRouter, issuesSshsigTokens } from "../schemes/sshsig/token-router.js";
import { createPublishedKeysRouter } from "../publish/keys-router.js";
import type { SshKeyAuthInfo, SshKeyStrategy } from "../strategy.js";
import { adminStoreOf, createAdminRouter, type AdminRouterOptions } from "../admin/router.js";
import type { SshKeyStore, StoredUser, Readiness as StoreReadiness } from "../store/index.js";
import { parseTrustProxy, type TrustProxy } from "./trust-proxy.js";
import { z } from "zod";
import { delegatedObject, functionOption } from "../options/common-schemas.js";
import { parseOptions } from "../options/parse-options.js";

type Readiness = Pick<StoreReadiness, "ready" | "reason"> & Partial<StoreReadiness>;

export interface DemoAppOptions {
  strategy: SshKeyStrategy;
  log?: ((error: unknown) => void) | undefined;
  /** Mount the crtauth handshake at `/_auth` (store defaults to the strategy's). */
  crtauth?: (Omit<CrtauthRouterOptions, "store"> & Partial<Pick<CrtauthRouterOptions, "store">>) | undefined;
  /**
   * Mount `POST /_sshsig/token` (createSshsigTokenRouter); default: when the strategy can mint
   * SSHSIG tokens (its sshsig and sshsigToken schemes are on and a crtauth secret is set).
   */
  sshsigToken?: boolean | undefined;
  /** The key-management console API at `/admin` (store defaults to the strategy's store, which needs the management ports); `false` leaves it out. */
  admin?: false | (Omit<AdminRouterOptions, "store"> & Partial<Pick<AdminRouterOptions, "store">>);
  /** Express "trust proxy" (default: TRUST_PROXY, parsed by parseTrustProxy). */
  trustProxy?: TrustProxy | undefined;
}

// The nested crtauth and admin objects are checked, at every depth, by the routers they configure.
const demoAppOptionsSchema = z.strictObject({
  strategy: z.custom<SshKeyStrategy>(
    (value) => typeof value === "object" && value !== null && typeof (value as SshKeyStrategy).authenticate === "function",
    "must be an SshKeyStrategy",
  ),
  log: functionOption.optional(),
  crtauth: delegatedObject.optional(),
  sshsigToken: z.boolean().optional(),
  admin: z.union([z.literal(false), delegatedObject]).optional(),
  trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string()]).optional(),
});

/** The store's own readiness check when it has one (SshKeyStore adapters do); otherwise opening it is enough. */
async function readinessOf(strategy: SshKeyStrategy): Promise<Readiness> {
  const store = (await strategy.store()) as Partial<Pick<SshKeyStore, "ready">>;
  if (typeof store.ready === "function") return store.ready();
  return { ready: true };
}

/** The demo server: `/whoami` (any method) behind SshKeyStrategy, `/<username>.keys`, `/healthz` (liveness), `/readyz` (database), JSON errors everywhere. */
export function createDemoApp(options: DemoAppOptions): Express {
  parseOptions(demoAppOptionsSchema, options, "createDemoApp");
  const authenticator = new passport.Passport();
  authenticator.use(options.strategy.name, options.strategy);
  const app = express();
  app.set("trust proxy", options.trustProxy ?? parseTrustProxy(process.env.TRUST_PROXY));
  app.disable("x-powered-by");
  // No authenticator.initialize(): passport ≥ 0.6 sets up req.login & co. in authenticate()
  // itself, and initialize() on every request (authenticated or not) is work on every route
  // for nothing (npm run bench shows it).

  // The app's own routes come first: each nested router a request walks past costs it a
  // deferred hop out of that router, and none of them answers these paths.

  // Liveness: the process answers. Never touches the database, so a load balancer does not
  // restart instances during a database outage they cannot fix.
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });

  // Readiness: the database answers and takes a write now (503 with the reason otherwise).
  app.get("/readyz", (_req, res, next) => {
    readinessOf(options.strategy).then((readiness) => {
      res.status(readiness.ready ? 200 : 503).set("Cache-Control", "no-store");
      if (!readiness.ready) res.set("Retry-After", "1");
      res.json({ ok: readiness.ready, ...readiness });
    }, next);
  });

  // Any method: bound sshauth tokens and body-signed requests (POST -d …) can be tried here too.
  app.all("/whoami", authenticator.authenticate(options.strategy.name, { session: false, failWithError: true }), (req, res) => {
    const user = req.user as StoredUser;
    const info = req.authInfo as SshKeyAuthInfo;
    res.json({ username: user.username, scheme: info.scheme, fingerprint: info.fingerprint });
  });

  if (options.crtauth) {
    const strategy = options.strategy;
    app.use(createCrtauthRouter({ ...options.crtauth, store: options.crtauth.store ?? (() => strategy.store()) }));
  }

  if (options.sshsigToken ?? issuesSshsigTokens(options.strategy)) app.use(createSshsigTokenRouter({ strategy: options.strategy }));

  // GET /<username>.keys: the key directory, as GitHub publishes it.
  app.use(createPublishedKeysRouter({ store: () => options.strategy.store() }));

  if (options.admin !== false) {
    const strategy = options.strategy;
    app.use("/admin", createAdminRouter({ log: options.log, ...options.admin, store: options.admin?.store ?? (() => adminStoreOf(strategy)) }));
  }

  app.use((_req, res) => {
    res.status(404).json(errorBody("not_found", "no such route"));
  });
  app.use(sshkeyErrorHandler({ log: options.log }));
  return app;
}
