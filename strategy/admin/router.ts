import express, { type Request, type Router } from "express";
import { parseOptions } from "../options/parse-options.js";
import type { KeyImportOptions } from "../import/options.js";
import type { JwtSchemeOptions } from "../schemes/jwt/scheme.js";
import type { SshKeyStrategy } from "../strategy.js";
import type { AdminStore } from "./context.js";
import { adminRouterOptionsSchema, checkPublicUrl } from "./options.js";
import type { RateLimitOptions } from "./rate-limit.js";
import type { SessionTimeouts } from "./sessions.js";

/** The store behind a strategy, for mounting the console next to it: it must have the management ports. */
export async function adminStoreOf(strategy: SshKeyStrategy): Promise<AdminStore> {
  const store = (await strategy.store()) as Partial<AdminStore>;
  if (
    !store.directory ||
    !store.sessions ||
    !store.eventLog ||
    !store.usage ||
    !store.authorities ||
    !store.keySources ||
    !store.settings ||
    !store.audit ||
    !store.notifications ||
    !store.changes
  ) {
    throw new TypeError(
      "the admin console needs a store with the directory, sessions, eventLog, usage, authorities, keySources, settings, audit, notifications and changes ports (openPrismaStore or createMemoryStore)",
    );
  }
  return store as AdminStore;
}

export interface AdminRouterOptions {
  /** The store (openPrismaStore, createMemoryStore), a promise of it, or a function that opens it on first use. */
  store: AdminStore | Promise<AdminStore> | (() => AdminStore | Promise<AdminStore>);
  /** For apps with their own login: map a request to a username (or null) — a console session follows without a link. */
  resolveUser?: ((req: Request) => Promise<string | null>) | undefined;
  /** Milliseconds since the epoch; for tests. */
  now?: (() => number) | undefined;
  /** Idle (default 30 min) and absolute (default 12 h) session timeouts. */
  session?: SessionTimeouts | undefined;
  /** Sign-in link lifetime (default 5 minutes). */
  linkTtlMs?: number | undefined;
  /** Per-IP limit on sign-in attempts and link redemptions (default 10, refilled at 10 a minute), and on failures per username (`perUsername`). */
  rateLimit?: RateLimitOptions | undefined;
  /** Largest accepted JSON body (default 64 KiB). */
  bodyLimit?: number | string | undefined;
  /**
   * External URL of the console root (e.g. https://example.com/admin): sign-in links start with
   * it and sign-in JWTs must name it as `aud`. Unset: the address the server listens on (never the
   * Host header), e.g. http://127.0.0.1:3000/admin. Set it behind a proxy or a name.
   */
  publicUrl?: string | undefined;
  /** JWT scheme settings for POST /api/login/jwt (tolerance, auth method); replay protection is always on, the audience is the console's URL. */
  jwt?: Omit<JwtSchemeOptions, "replayProtection" | "audience"> | undefined;
  /** Where unexpected errors go (default console.error). */
  log?: ((error: unknown) => void) | undefined;
  /** The built console (default `<package>/admin-ui/dist`); `false` serves the API only. */
  uiDir?: string | false | undefined;
  /** Where "Import from GitHub/GitLab/URL" fetches, and what it may reach (see the README's key import section). */
  keyImport?: KeyImportOptions | undefined;
}

/**
 * The key-management console's JSON API under `<mount>/api/…`, plus `<mount>/login/<secret>`
 * for one-time sign-in links. Mount it at /admin: `app.use("/admin", createAdminRouter({ store }))`.
 */
export function createAdminRouter(options: AdminRouterOptions): Router {
  parseOptions(adminRouterOptionsSchema, options, "createAdminRouter");
  checkPublicUrl(options.publicUrl);
  const checked = { ...options };
  // Bad options throw here, where they are written; the console itself (routes, sessions, key
  // importer, pages and what they import) loads on the first request under the mount, so an
  // app that mounts it but is never asked for it does not hold those modules in memory (issue 19).
  let building: Promise<Router> | null = null;
  const consoleRouter = () =>
    (building ??= import("./console.js")
      .then(({ createConsoleRouter }) => createConsoleRouter(checked))
      .catch((error: unknown) => {
        building = null;
        throw error;
      }));
  const router = express.Router();
  router.use(async (req, res, next) => {
    (await consoleRouter())(req, res, next);
  });
  return router;
}
