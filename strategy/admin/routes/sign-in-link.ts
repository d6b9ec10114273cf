import crypto from "node:crypto";
import { sessionChange } from "../../audit/targets.js";
import { consoleOrigin } from "../audit.js";
import express, { type Request, type Response, type Router } from "express";
import { baseOf, type AdminContext } from "../context.js";
import { checkOrigin, constantTimeEqual } from "../csrf.js";
import { AdminError } from "../errors.js";
import { html, type ConsolePages } from "../html-page.js";
import type { SignInLimiter } from "../rate-limit.js";
import { checkSignInLink, readCookie, redeemSignInLink } from "../sessions.js";
import { limitSignIn } from "./session.js";

// Ties the Sign in button's POST to the browser that loaded the link's page: a page on another
// site cannot post someone else's link for the victim (login CSRF), as it never sees this value.
const formCookieName = "sshkey_link_form";
// Where the console was when its session ended (written by the console): the sign-in lands there.
const returnCookieName = "sshkey_console_return";

/** A path inside the console to return to; anything else (another origin, `//host`, a backslash) is ignored. */
function returnPathOf(req: Request): string {
  const raw = readCookie(req, returnCookieName);
  if (!raw || raw.length > 1000) return "/";
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return "/";
  }
  return /^\/(?![/\\])[^\s\\]*$/.test(path) ? path : "/";
}

function formCookiePath(req: Request): string {
  return `${baseOf(req)}/login`;
}

/**
 * `GET <mount>/login/<secret>` shows a page with a Sign in button and leaves the link unused (chat
 * and mail previews fetch links); only the button's `POST` redeems it. Failures are pages too.
 */
export function registerSignInLinkRoutes(router: Router, options: { ctx: () => AdminContext; limiter: SignInLimiter; pages: ConsolePages }): void {
  const form = express.urlencoded({ extended: false, limit: "2kb", parameterLimit: 5 });

  router.get("/login/:secret", async (req, res) => {
    limitSignIn(options.limiter, req, res);
    const { store, now } = options.ctx();
    const secret = String(req.params.secret);
    const { username } = await checkSignInLink(store.sessions, secret, now());
    // One value per browser, kept when it is there: two links open in two tabs both work.
    const held = readCookie(req, formCookieName);
    const token = held && /^[\w-]{43}$/.test(held) ? held : crypto.randomBytes(32).toString("base64url");
    res.cookie(formCookieName, token, { httpOnly: true, sameSite: "strict", secure: req.secure, path: formCookiePath(req), maxAge: 15 * 60_000 });
    options.pages.send(req, res, 200, {
      title: "Sign in to the SSH key console",
      body: html`<p class="lead">This one-time link signs you in as <strong>${username}</strong>.</p>
        <form method="post" action="login/${secret}">
          <input type="hidden" name="form" value="${token}" />
          <button type="submit" class="button primary">Sign in</button>
        </form>
        <p class="muted small">The link works once and only with this button: opening it (or a link preview) does not use it up.</p>`,
    });
  });

  router.post("/login/:secret", form, async (req: Request, res: Response) => {
    limitSignIn(options.limiter, req, res);
    // The page is served with no-referrer (the link must not leak), so its form posts Origin: null.
    checkOrigin(req, { opaqueOrigin: true });
    const sent = typeof req.body?.form === "string" ? req.body.form : "";
    const expected = readCookie(req, formCookieName);
    if (!sent || !expected || !constantTimeEqual(sent, expected)) {
      throw new AdminError("csrf_failed", "open the sign-in link again and press Sign in on its page");
    }
    const { sessions, store, now, audit } = options.ctx();
    const { userId } = await redeemSignInLink(store.sessions, String(req.params.secret), now());
    const base = baseOf(req);
    const session = await sessions.start(req, res, userId, base || "/");
    await audit.record(consoleOrigin(req, session.user), sessionChange("session.sign_in", session.user, { method: "link", expiresAt: session.expiresAt }));
    res.clearCookie(formCookieName, { httpOnly: true, sameSite: "strict", secure: req.secure, path: formCookiePath(req) });
    res.clearCookie(returnCookieName, { path: base || "/" });
    res.set("Cache-Control", "no-store").set("Referrer-Policy", "no-referrer");
    res.redirect(303, `${base}${returnPathOf(req)}`);
  });
}
