import passport from "passport";
import type { Request, Router } from "express";
import { authFailureOf } from "../../http/failure.js";
import type { StoredUser } from "../../store/ports.js";
import type { SshKeyStrategy } from "../../strategy.js";
import { baseOf, sessionOf, type AdminContext } from "../context.js";
import { checkOrigin } from "../csrf.js";
import { AdminError } from "../errors.js";
import type { TokenBuckets } from "../rate-limit.js";
import { createSignInLink, redeemSignInLink } from "../sessions.js";

export interface SessionRouteOptions {
  ctx: () => AdminContext;
  strategy: () => SshKeyStrategy;
  limiter: TokenBuckets;
  linkTtlMs: number;
  publicUrl?: string;
}

export function limit(limiter: TokenBuckets, req: Request): void {
  const wait = limiter.take(req.ip ?? "unknown");
  if (wait > 0) throw new AdminError(429, "rate_limited", `too many sign-in attempts; retry in ${wait} s`, { retryAfter: wait });
}

function consoleUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, "");
  return `${req.protocol}://${req.get("host") ?? "localhost"}${baseOf(req)}`;
}

/** Sign-in: JWT → one-time link; link → session. */
export function registerSignInRoutes(router: Router, options: SessionRouteOptions): void {
  const authenticator = new passport.Passport();
  let registered = false;

  router.get("/login/:secret", async (req, res) => {
    limit(options.limiter, req);
    const { sessions, store, now } = options.ctx();
    const { userId } = await redeemSignInLink(store.database.prisma, String(req.params.secret), now());
    await sessions.start(req, res, userId, baseOf(req) || "/");
    res.set("Cache-Control", "no-store").set("Referrer-Policy", "no-referrer");
    res.redirect(303, `${baseOf(req)}/`);
  });

  router.post("/api/login/jwt", async (req, res) => {
    limit(options.limiter, req);
    checkOrigin(req);
    const strategy = options.strategy();
    if (!registered) {
      authenticator.use(strategy.name, strategy);
      registered = true;
    }
    const user = await new Promise<StoredUser | false>((resolve, reject) => {
      authenticator.authenticate(strategy.name, { session: false }, (error: unknown, result: StoredUser | false) =>
        error ? reject(error) : resolve(result),
      )(req, res, reject);
    });
    if (!user) {
      const failure = authFailureOf(req);
      throw new AdminError(failure?.status ?? 401, failure?.code ?? "unauthenticated", failure?.message ?? "a JWT signed with a registered key is required");
    }
    const { store, now } = options.ctx();
    const link = await createSignInLink(store.database.prisma, user.id, { now: now(), ttlMs: options.linkTtlMs });
    res.set("Cache-Control", "no-store");
    res.json({ link: `${consoleUrl(req, options.publicUrl)}/login/${link.secret}`, expiresAt: link.expiresAt, username: user.username });
  });

}

/** /me and logout: registered after the session check. */
export function registerSessionRoutes(router: Router, options: Pick<SessionRouteOptions, "ctx">): void {
  router.get("/api/me", (req, res) => {
    const session = sessionOf(req);
    res.set("Cache-Control", "no-store");
    res.json({
      user: session.user,
      isAdmin: session.user.isAdmin,
      csrfToken: session.csrfToken,
      session: { createdAt: session.createdAt, expiresAt: session.expiresAt, idleExpiresAt: session.idleExpiresAt },
    });
  });

  router.post("/api/session/logout", async (req, res) => {
    const session = sessionOf(req);
    await options.ctx().sessions.end(req, res, session.id, baseOf(req) || "/");
    res.json({ ok: true });
  });
}
