import passport from "passport";
import type { Request, Response, Router } from "express";
import type { z } from "zod";
import type { LogoutResponse, MeResponse, SetupResponse, SignInLinkResponse } from "../../contract/responses.js";
import { authErrorCodes, type AuthErrorCode } from "../../errors.js";
import { authFailureOf } from "../../http/failure.js";
import type { StoredUser } from "../../store/ports.js";
import type { SshKeyStrategy } from "../../strategy.js";
import { sessionChange } from "../../audit/targets.js";
import { consoleOrigin, recordChanges } from "../audit.js";
import { baseOf, sessionOf, type AdminContext } from "../context.js";
import { checkOrigin } from "../csrf.js";
import { AdminError } from "../errors.js";
import { userJson } from "../responses.js";
import { decodeJwt } from "../../schemes/jwt/decode.js";
import type { SignInLimiter } from "../rate-limit.js";
import { createSignInLink } from "../sessions.js";

export interface SessionRouteOptions {
  ctx: () => AdminContext;
  strategy: () => SshKeyStrategy;
  limiter: SignInLimiter;
  linkTtlMs: number;
  /** An http(s) URL: createAdminRouter checked it (checkPublicUrl). */
  publicUrl?: string | undefined;
}

/** 429 with Retry-After when the IP, or the username the attempt claims, is over its limit. */
export function limitSignIn(limiter: SignInLimiter, req: Request, res: Response, username: string | null = null): void {
  const wait = limiter.admit(req.ip ?? "unknown", username);
  if (wait > 0) {
    res.set("Retry-After", String(wait));
    throw new AdminError("rate_limited", `too many sign-in attempts; retry in ${wait} s`, { retryAfter: wait });
  }
}

/** The strategy's code for a refused sign-in; the status follows from it (see adminStatusOf). */
function signInRefusalCode(code: string | undefined): AuthErrorCode | "unauthenticated" {
  return code !== undefined && (authErrorCodes as readonly string[]).includes(code) ? (code as AuthErrorCode) : "unauthenticated";
}

/** The username a sign-in JWT claims, unverified: only a rate-limit key. */
function claimedUsername(req: Request): string | null {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^\S+[ \t]+(\S+)$/.exec(header.trim()) : null;
  if (!match) return null;
  try {
    return decodeJwt(match[1]!).untrustedUsername;
  } catch {
    return null;
  }
}

/**
 * The console's own URL: the audience its sign-in JWTs must name and the base of its
 * sign-in links. From `publicUrl`, else from the address this connection reached (what the
 * server listens on) — never from the Host header, which the client writes: a link built
 * from it would send a victim's secret to whatever host an attacker put there.
 */
function consoleUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return normalizedConsoleUrl(publicUrl);
  const socket = req.socket as Request["socket"] & { encrypted?: boolean };
  const address = (socket.localAddress ?? "127.0.0.1").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  const host = address.includes(":") ? `[${address}]` : address;
  return normalizedConsoleUrl(`${socket.encrypted ? "https" : "http"}://${host}:${socket.localPort ?? 80}${baseOf(req)}`);
}

/** One spelling per URL (lower-case scheme and host, default port dropped, no trailing slash), as the CLI's login sends it. */
function normalizedConsoleUrl(url: string): string {
  const parsed = new URL(url);
  parsed.search = "";
  parsed.hash = "";
  parsed.pathname = parsed.pathname.replace(/\/+$/, "");
  return parsed.href.replace(/\/+$/, "");
}

/** Sign-in: JWT → one-time link (the link → session is sign-in-link.ts). */
export function registerSignInRoutes(router: Router, options: SessionRouteOptions): void {
  const authenticator = new passport.Passport();
  let registered = false;

  // Once an administrator exists there usually always is one: that answer is kept a minute, so
  // signed-out page loads do not each read every user.
  let adminSeenAt = -Infinity;
  router.get("/api/setup", async (_req, res) => {
    const { store, now } = options.ctx();
    if (now() - adminSeenAt > 60_000) {
      const users = await store.directory.listUsers();
      if (users.some((user) => user.isAdmin && !user.disabled)) adminSeenAt = now();
    }
    res.set("Cache-Control", "no-store");
    res.json({ adminExists: now() - adminSeenAt <= 60_000 } satisfies z.input<typeof SetupResponse>);
  });

  router.post("/api/login/jwt", async (req, res) => {
    const username = claimedUsername(req);
    limitSignIn(options.limiter, req, res, username);
    checkOrigin(req);
    const strategy = options.strategy();
    if (!registered) {
      authenticator.use(strategy.name, strategy);
      registered = true;
    }
    // Only a JWT made for this console (aud = its URL) signs in: one the user's CLI sent to
    // another service must not turn into a console session when replayed here.
    const jwtAudience = consoleUrl(req, options.publicUrl);
    const user = await new Promise<StoredUser | false>((resolve, reject) => {
      const routeOptions: passport.AuthenticateOptions & { jwtAudience: string } = { session: false, jwtAudience };
      authenticator.authenticate(strategy.name, routeOptions, (error: unknown, result: StoredUser | false) => (error ? reject(error) : resolve(result)))(
        req,
        res,
        reject,
      );
    });
    if (!user) {
      options.limiter.failed(username);
      const failure = authFailureOf(req);
      // Said only after the signature verified: the caller holds a key of this user, and a
      // console reached under another name (no publicUrl set) is then easy to diagnose.
      const message = failure?.code === "invalid_audience" ? `this console accepts JWTs whose aud is ${jwtAudience}` : failure?.message;
      const code = signInRefusalCode(failure?.code);
      // The key's own rate limit: the strategy set Retry-After, which the error body repeats.
      if (code === "rate_limited")
        throw new AdminError(code, message ?? "rate limited", { retryAfter: Math.max(1, Number(res.getHeader("Retry-After")) || 1) });
      throw new AdminError(code, message ?? "a JWT signed with a registered key is required");
    }
    const { store, now, audit } = options.ctx();
    const link = await createSignInLink(store.sessions, user.id, { now: now(), ttlMs: options.linkTtlMs });
    await audit.record(consoleOrigin(req, user), sessionChange("session.link_issued", user, { method: "jwt", expiresAt: link.expiresAt }));
    res.set("Cache-Control", "no-store");
    res.json({
      link: `${consoleUrl(req, options.publicUrl)}/login/${link.secret}`,
      expiresAt: link.expiresAt,
      username: user.username,
    } satisfies z.input<typeof SignInLinkResponse>);
  });
}

/** /me and logout: registered after the session check. */
export function registerSessionRoutes(router: Router, options: Pick<SessionRouteOptions, "ctx">): void {
  router.get("/api/me", (req, res) => {
    const session = sessionOf(req);
    res.set("Cache-Control", "no-store");
    res.json({
      user: userJson(session.user),
      isAdmin: session.user.isAdmin,
      csrfToken: session.csrfToken,
      session: { createdAt: session.createdAt, expiresAt: session.expiresAt, idleExpiresAt: session.idleExpiresAt },
    } satisfies z.input<typeof MeResponse>);
  });

  router.post("/api/session/logout", async (req, res) => {
    const session = sessionOf(req);
    await options.ctx().sessions.end(req, res, session.id, baseOf(req) || "/");
    await recordChanges(req, options.ctx(), sessionChange("session.sign_out", session.user, { method: "logout" }));
    res.json({ ok: true } satisfies z.input<typeof LogoutResponse>);
  });
}
