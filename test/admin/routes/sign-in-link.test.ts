// Sign-in links (issue 18): a GET shows a page and leaves the link unused (link previews fetch
// it); only the page's Sign in POST redeems it; every refusal is a page for a browser and JSON
// for an API client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../strategy/admin/sessions.js";
import { ensureConsoleBuilt } from "../../support/build.js";
import { databaseKinds } from "../../support/databases.js";
import { cookieFrom, redeemLink, request, startAdminServer, type AdminServer } from "../support.js";

const asBrowser = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe.each(databaseKinds)("sign-in links, on %s", (kind) => {
  let server: AdminServer;
  let aliceId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startAdminServer(kind);
    aliceId = (await server.store.directory.addUser("alice")).id;
  });
  afterAll(() => server?.close());

  const newLink = async () => `${server.url}/admin/login/${(await createSignInLink(server.store.sessions, aliceId, { now: server.clock.now })).secret}`;

  /** GET the link's page: its form token and the cookie that goes with it. */
  async function openPage(link: string) {
    const page = await fetch(link, { headers: asBrowser, redirect: "manual" });
    const text = await page.text();
    return {
      page,
      text,
      token: /name="form" value="([\w-]{43})"/.exec(text)?.[1] ?? "",
      cookie: (page.headers.get("set-cookie") ?? "").split(";")[0]!,
    };
  }

  const post = (link: string, form: string, headers: Record<string, string> = {}) =>
    request(link, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: `form=${form}` });

  it("GET shows a styled page with a Sign in button, no script, no Referer; it does not use the link up", async () => {
    const link = await newLink();
    for (let i = 0; i < 3; i++) {
      const { page, text, token, cookie } = await openPage(link);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      expect(page.headers.get("cache-control")).toBe("no-store");
      expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'.*form-action 'self'/);
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      expect(text).toMatch(/<form method="post" action="login\/[\w-]{43}">/);
      expect(text).toMatch(/<button type="submit" class="button primary">Sign in<\/button>/);
      expect(text).toContain("<strong>alice</strong>");
      expect(text).toMatch(/<link rel="stylesheet"[^>]*href="\.\/assets\/index-[\w-]+\.css"/);
      expect(text).toContain('<base href="/admin/" />');
      expect(text).not.toMatch(/<script|\son\w+=|style=/i);
      expect(token).toMatch(/^[\w-]{43}$/);
      expect(cookie).toMatch(/^sshkey_link_form=/);
      expect(page.headers.get("set-cookie")).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
      expect(cookieFrom(page.headers)).toBe("");
    }
    // Still unused after three GETs: the POST signs in and lands on the console.
    const signedIn = await redeemLink(link);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/admin/");
    const me = await request(`${server.url}/admin/api/me`, { headers: { cookie: cookieFrom(signedIn.headers) } });
    expect(me.body.user.username).toBe("alice");
  });

  it("the POST needs the page's form token and its cookie, from this site: a link posted by another page does not sign in", async () => {
    const link = await newLink();
    const { token, cookie } = await openPage(link);
    const noCookie = await post(link, token);
    expect([noCookie.status, noCookie.body.error.code]).toEqual([403, "csrf_failed"]);
    const wrongToken = await post(link, "x".repeat(43), { cookie });
    expect([wrongToken.status, wrongToken.body.error.code]).toEqual([403, "csrf_failed"]);
    const foreign = await post(link, token, { cookie, origin: "https://evil.example" });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, "cross_origin"]);
    const crossSite = await post(link, token, { cookie, "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    // A no-referrer page's form says Origin: null; only with Sec-Fetch-Site: same-origin (or none) is that this page.
    const opaqueSameSite = await post(link, token, { cookie, origin: "null", "sec-fetch-site": "same-site" });
    expect([opaqueSameSite.status, opaqueSameSite.body.error.code]).toEqual([403, "cross_origin"]);
    // None of those used the link up.
    const ok = await post(link, token, { cookie, origin: "null", "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(303);
    expect(cookieFrom(ok.headers)).toMatch(/^sshkey_console=/);
    // The form cookie is spent with the sign-in.
    expect(ok.headers.get("set-cookie")).toMatch(/sshkey_link_form=;/);
  });

  it("a used, expired or mistyped link is a page with the next step for a browser, JSON for an API client, with 410/410/400", async () => {
    const used = await newLink();
    expect((await redeemLink(used)).status).toBe(303);
    const expired = await newLink();
    const form = await openPage(await newLink());
    server.clock.now += 5 * 60_000 + 1;
    const cases = [
      { link: used, status: 410, code: "link_used", title: "This sign-in link has already been used" },
      { link: expired, status: 410, code: "link_expired", title: "This sign-in link has expired" },
      { link: `${server.url}/admin/login/${"x".repeat(43)}`, status: 400, code: "link_invalid", title: "This sign-in link is not valid" },
      { link: `${server.url}/admin/login/short`, status: 400, code: "link_invalid", title: "This sign-in link is not valid" },
    ];
    for (const c of cases) {
      const page = await fetch(c.link, { headers: asBrowser });
      const text = await page.text();
      expect(page.status, c.code).toBe(c.status);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      expect(text).toContain(`<h1>${c.title}</h1>`);
      expect(text).toContain("<code>passport-sshkey console-link YOUR_NAME</code>");
      expect(text).toContain('<a href="./">Go to the console</a>');
      expect(text).not.toMatch(/<script|"error":/);
      const api = await request(c.link);
      expect([api.status, api.body.error.code]).toEqual([c.status, c.code]);
      // The page's button pressed in a stale tab (the form token is per browser) is refused the same way.
      const pressed = await post(c.link, form.token, { cookie: form.cookie, ...asBrowser });
      expect(pressed.status, c.code).toBe(c.status);
      expect(pressed.body).toContain(`<h1>${c.title}</h1>`);
    }
  });

  it("an HTML page also answers a browser's rate-limited link (429 with Retry-After) and an unauthenticated API route", async () => {
    const limited = await server.mount({ rateLimit: { capacity: 1, refillPerMinute: 1 } });
    const link = (await newLink()).replace(server.url, limited);
    expect((await fetch(link, { headers: asBrowser })).status).toBe(200);
    const refused = await fetch(link, { headers: asBrowser });
    const text = await refused.text();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(text).toContain("<h1>Too many sign-in attempts</h1>");
    expect(text).toMatch(/Wait \d+ seconds, then reload this page/);
    const api = await request(link);
    expect([api.status, api.body.error.code]).toEqual([429, "rate_limited"]);

    const keys = await fetch(`${server.url}/admin/api/keys`, { headers: asBrowser });
    expect(keys.status).toBe(401);
    expect(await keys.text()).toContain("<h1>Sign in to the console first</h1>");
    expect((await request(`${server.url}/admin/api/keys`)).body.error.code).toBe("unauthenticated");
  });

  it("lands where the console was when its session ended, only inside the console", async () => {
    const cases: [string, string][] = [
      [encodeURIComponent("/keys/abc?tab=usage"), "/admin/keys/abc?tab=usage"],
      [encodeURIComponent("//evil.example/x"), "/admin/"],
      [encodeURIComponent("/\\evil.example"), "/admin/"],
      ["https%3A%2F%2Fevil.example", "/admin/"],
      ["%E0%A4%A", "/admin/"],
    ];
    for (const [value, location] of cases) {
      const r = await redeemLink(await newLink(), { cookie: `sshkey_console_return=${value}` });
      expect([r.status, r.headers.get("location")], value).toEqual([303, location]);
      expect(r.headers.get("set-cookie")).toMatch(/sshkey_console_return=;/);
    }
  });

  it("refuses hostile form bodies with a 4xx, never a 500", async () => {
    const link = await newLink();
    const { cookie } = await openPage(link);
    const huge = await request(link, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: `form=${"a".repeat(10_000)}`,
    });
    expect(huge.status).toBe(413);
    const json = await request(link, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: '{"form":1}' });
    expect([json.status, json.body.error.code]).toEqual([403, "csrf_failed"]);
    const many = await request(link, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=2&c=3&d=4&e=5&f=6&g=7",
    });
    expect(many.status).toBeGreaterThanOrEqual(400);
    expect(many.status).toBeLessThan(500);
  });
});
