import fs from "node:fs";
import path from "node:path";
import express, { type Request, type Response, type Router } from "express";
import { AuditRecorder } from "../audit/recorder.js";
import { sessionChange } from "../audit/targets.js";
import { adminErrors } from "../contract/errors.js";
import { errorBody } from "../http/error-response.js";
import { KeyImporter } from "../import/key-importer.js";
import { keyImportSettings } from "../import/options.js";
import { packageRoot } from "../store/index.js";
import { SshKeyStrategy } from "../strategy.js";
import { consoleOrigin } from "./audit.js";
import { baseOf, setBase, setSession, type AdminContext } from "./context.js";
import type { AdminRouterOptions } from "./router.js";
import { checkCsrf, checkOrigin, isMutating } from "./csrf.js";
import { AdminError, adminErrorHandler } from "./errors.js";
import { ConsolePages, escapeHtml, uiCsp } from "./html-page.js";
import { SignInLimiter } from "./rate-limit.js";
import { consoleSignInEvents } from "./sign-in-events.js";
import { registerAuditRoutes } from "./routes/audit.js";
import { registerAuthorityRoutes } from "./routes/authorities.js";
import { registerEventRoutes } from "./routes/events.js";
import { registerJwksRoutes } from "./routes/jwks.js";
import { registerKeyImportRoutes } from "./routes/key-import.js";
import { registerKeyInventoryRoutes } from "./routes/key-inventory.js";
import { registerKeyRoutes } from "./routes/keys.js";
import { registerKeyLimitRoutes } from "./routes/key-limits.js";
import { registerSessionRoutes, registerSignInRoutes } from "./routes/session.js";
import { registerSignInLinkRoutes } from "./routes/sign-in-link.js";
import { registerLdapRoutes } from "./routes/ldap.js";
import { registerPolicyRoutes } from "./routes/policy.js";
import { registerUserRoutes } from "./routes/users.js";
import { registerWebhookRoutes } from "./routes/webhooks.js";
import { SessionManager, signInLinkTtlMs, type ActiveSession } from "./sessions.js";

/** The built React console, from `npm run build:ui`. */
export function defaultUiDir(): string {
  return path.join(packageRoot(), "admin-ui", "dist");
}

/**
 * Serves the built console: hashed assets with a year-long immutable cache, index.html never
 * cached, and index.html for every other non-API GET so deep links (/admin/keys/…) load the app.
 */
function serveUi(router: Router, dir: string): void {
  const index = path.join(dir, "index.html");
  let built = false;
  const isBuilt = () => (built ||= fs.existsSync(index));
  const notBuilt = (res: Response) =>
    res
      .status(adminErrors.console_not_built)
      .set("Cache-Control", "no-store")
      .json(errorBody("console_not_built", "the console UI is not built: run `npm run build:ui` (the API under /api still works)"));
  const sendIndex = (req: Request, res: Response) => {
    res.set("Cache-Control", "no-cache").set("Content-Security-Policy", uiCsp).set("Referrer-Policy", "no-referrer");
    res.set("X-Frame-Options", "DENY");
    // The build's asset URLs are relative; the <base> makes them (and the console's own
    // API and page URLs) resolve under wherever this router is mounted, at any depth.
    // Read per page load (not cached), so a rebuilt console is served without a restart.
    res.type("html").send(withBase(fs.readFileSync(index, "utf8"), `${baseOf(req)}/`));
  };
  const assets = express.static(dir, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders(res, file) {
      const hashed = file.startsWith(path.join(dir, "assets") + path.sep);
      res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  router.use((req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (req.path === "/api" || req.path.startsWith("/api/") || req.path.startsWith("/login/")) return next();
    if (!isBuilt()) return notBuilt(res);
    if (req.path === "/" || req.path === "/index.html") return sendIndex(req, res);
    assets(req, res, next);
  });
  router.get("/{*splat}", (req, res, next) => {
    if (req.path.startsWith("/api/") || req.path.startsWith("/login/")) return next();
    // A missing hashed asset is a 404, not the app: a stale index.html must not get HTML as JS.
    if (req.path.startsWith("/assets/")) return next(new AdminError("not_found", "no such file"));
    sendIndex(req, res);
  });
}

/** index.html with `<base href>` first in its head (a mount path with parameters comes from the request: escaped). */
function withBase(html: string, href: string): string {
  const tag = `<base href="${escapeHtml(href)}" />`;
  return html.replace(/<head[^>]*>/i, (head) => `${head}\n    ${tag}`);
}

/**
 * The console behind createAdminRouter, built on its first request: the JSON API under
 * `<mount>/api/…`, `<mount>/login/<secret>` for one-time sign-in links, and the built UI.
 * `options` were checked by createAdminRouter.
 */
export function createConsoleRouter(options: AdminRouterOptions): Router {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((error: unknown) => console.error(error));
  const limiter = new SignInLimiter(options.rateLimit, now);
  const importSettings = keyImportSettings(options.keyImport);
  const pages = new ConsolePages(options.uiDir ?? defaultUiDir());

  let context: AdminContext | null = null;
  let strategy: SshKeyStrategy | null = null;
  let opening: Promise<void> | null = null;
  const open = () =>
    (opening ??= (async () => {
      const store = await (typeof options.store === "function" ? options.store() : options.store);
      const importer = new KeyImporter({ ...store, options: importSettings, now });
      const audit = new AuditRecorder(store.audit, now);
      context = { store, sessions: new SessionManager(store.sessions, now, options.session), importer, audit, now };
      // The console's own sign-ins are logged as their own kind (scheme "console").
      const signInStore = { ...store, events: consoleSignInEvents(store.events) };
      strategy = new SshKeyStrategy({ store: signInStore, schemes: ["jwt"], now, name: "sshkey-console", jwt: { ...options.jwt, replayProtection: true } });
    })().catch((error: unknown) => {
      opening = null;
      throw error;
    }));
  const ctx = () => context!;

  const router = express.Router();
  router.use(async (req, res, next) => {
    setBase(req);
    res.set("X-Content-Type-Options", "nosniff");
    await open();
    next();
  });
  router.use("/api", express.json({ limit: options.bodyLimit ?? "64kb", strict: true }));

  registerSignInRoutes(router, {
    ctx,
    strategy: () => strategy!,
    limiter,
    linkTtlMs: options.linkTtlMs ?? signInLinkTtlMs,
    publicUrl: options.publicUrl,
  });
  registerSignInLinkRoutes(router, { ctx, limiter, pages });

  // Everything else under /api needs a session (or the app's resolveUser) and, when mutating, the CSRF token.
  router.use("/api", async (req, res, next) => {
    const { sessions } = ctx();
    let session: ActiveSession | null = null;
    let expired: unknown = null;
    try {
      session = await sessions.resolve(req);
    } catch (error) {
      expired = error;
      sessions.clearCookie(req, res, baseOf(req) || "/");
    }
    if (options.resolveUser) {
      const username = await options.resolveUser(req);
      if (username && session?.user.username !== username) {
        const user = await ctx().store.directory.lookupUser(username);
        if (!user) throw new AdminError("forbidden", `no console user ${username}`);
        if (user.disabled) throw new AdminError("user_disabled", "this user is disabled");
        session = await sessions.start(req, res, user.id, baseOf(req) || "/");
        expired = null;
        await ctx().audit.record(consoleOrigin(req, user), sessionChange("session.sign_in", user, { method: "resolveUser", expiresAt: session.expiresAt }));
      }
    }
    if (!session) {
      if (expired) throw expired;
      throw new AdminError("unauthenticated", "sign in to the console first");
    }
    setSession(req, session);
    if (isMutating(req)) {
      checkOrigin(req);
      checkCsrf(req, session.csrfToken);
    }
    res.set("Cache-Control", "no-store");
    next();
  });

  registerSessionRoutes(router, { ctx });
  // Before the key routes: /api/keys/export.csv and /api/keys/revoke are not key ids.
  registerKeyInventoryRoutes(router, ctx);
  registerKeyRoutes(router, ctx);
  registerKeyLimitRoutes(router, ctx);
  registerKeyImportRoutes(router, ctx);
  registerUserRoutes(router, ctx);
  registerEventRoutes(router, ctx);
  registerLdapRoutes(router, ctx);
  registerAuthorityRoutes(router, ctx);
  registerJwksRoutes(router, ctx);
  registerWebhookRoutes(router, ctx);
  registerPolicyRoutes(router, ctx);
  registerAuditRoutes(router, ctx);

  router.use("/api", (_req, _res, next) => next(new AdminError("not_found", "no such API route")));
  if (options.uiDir !== false) serveUi(router, options.uiDir ?? defaultUiDir());
  router.use(adminErrorHandler(log, pages));
  return router;
}
