// The authentication log over HTTP (issue 18): words beside each code, console sign-ins as
// their own kind, filters that say when they cannot match (part of a username, a key by
// fingerprint), a From after To refused, totals, and the CSV export.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authReasons } from "../../../strategy/contract/auth-reasons.js";
import { keyStateRefusals } from "../../../strategy/core/key-state.js";
import type { AuthEventRecord, KeyRecord } from "../../../strategy/store/index.js";
import { databaseKinds } from "../../support/databases.js";
import { fixtureKey, fixtures } from "../../support/forge-jwt.js";
import { jwtFor } from "../../support/tokens.js";
import { newKeyLine, request, signIn, startAdminServer, type AdminServer, type Client } from "../support.js";

const rsaPub = fs.readFileSync(path.join(fixtures, "keys/ajwt/rsa2048.pub"), "utf8");

describe.each(databaseKinds)("the auth log API on %s", (kind) => {
  let server: AdminServer;
  let root: Client;
  let aliceKey: KeyRecord;
  const t0 = Date.UTC(2030, 0, 1);

  beforeAll(async () => {
    server = await startAdminServer(kind);
    const d = server.store.directory;
    await d.addUser("root", { isAdmin: true });
    const alice = await d.addUser("alice-smith");
    aliceKey = await d.addKey("alice-smith", newKeyLine("alice laptop"));
    const event = (offsetMs: number, fields: Partial<AuthEventRecord>): AuthEventRecord => ({
      at: new Date(t0 - 10_000 + offsetMs),
      scheme: "jwt",
      outcome: "success",
      errorCode: null,
      userId: alice.id,
      username: "alice-smith",
      keyId: aliceKey.id,
      ip: "192.0.2.1",
      userAgent: "=cmd|' /C calc'!A0",
      ...fields,
    });
    server.store.events.record(event(0, {}));
    server.store.events.record(event(1000, { outcome: "failure", errorCode: "key_revoked" }));
    server.store.events.record(event(2000, { outcome: "failure", errorCode: "unknown_key", userId: null, keyId: null, username: "mallory" }));
    await server.store.events.flush();
    root = await signIn(server, "root");
  });
  afterAll(() => server?.close());

  it("puts the words for each code beside it, from the one table (key-state refusals keep the verifier's words)", async () => {
    const r = await root.call("GET", "/events");
    expect(r.status).toBe(200);
    const byCode = Object.fromEntries(r.body.events.map((e: { errorCode: string | null; reason: string | null }) => [e.errorCode ?? "success", e.reason]));
    expect(byCode).toEqual({ success: null, key_revoked: keyStateRefusals.revoked.message, unknown_key: authReasons.unknown_key });
    expect(r.body.totals).toEqual({ matching: 3, byOutcome: { success: 1, failure: 2, alarm: 0 } });
    expect(r.body.notices).toEqual([]);
  });

  it("filters by part of a username, and says when no user has such a name", async () => {
    const part = await root.call("GET", "/events?user=SMITH");
    expect(part.body.events).toHaveLength(2);
    expect(part.body.notices).toEqual([]);
    const claimed = await root.call("GET", "/events?user=mall");
    expect(claimed.body.events.map((e: { username: string }) => e.username)).toEqual(["mallory"]);
    expect(claimed.body.notices).toEqual([{ filter: "user", message: expect.stringMatching(/no user's name contains “mall”/) }]);
    const none = await root.call("GET", "/events?user=zed");
    expect([none.body.events, none.body.totals.matching, none.body.notices[0].filter]).toEqual([[], 0, "user"]);
  });

  it("filters by a key's fingerprint (SHA256 or MD5) or public key as well as its id, and says when no stored key is that one", async () => {
    for (const key of [aliceKey.id, aliceKey.fingerprintSha256, `MD5:${aliceKey.fingerprintMd5}`, aliceKey.openssh]) {
      const r = await root.call("GET", `/events?key=${encodeURIComponent(key)}`);
      expect([r.status, r.body.events.length, r.body.notices]).toEqual([200, 2, []]);
    }
    const gone = await root.call("GET", `/events?key=${encodeURIComponent(newKeyLine())}`);
    expect([gone.body.events, gone.body.notices[0].filter]).toEqual([[], "key"]);
    expect(gone.body.notices[0].message).toMatch(/no stored key/);
    const unknownId = await root.call("GET", "/events?key=no-such-id");
    expect(unknownId.body.notices[0].message).toMatch(/no stored key is “no-such-id”/);
  });

  it("refuses From after To (or equal) with a 400 that says so, and other hostile filters with a 400", async () => {
    const r = await root.call("GET", "/events?from=2030-01-02&to=2030-01-01");
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([400, "invalid_request", "from: From must be before To"]);
    expect((await root.call("GET", "/events?from=2030-01-01&to=2030-01-01")).status).toBe(400);
    for (const query of ["from=soon", "outcome=maybe", `user=${"u".repeat(300)}`, `key=${"k".repeat(9000)}`, "limit=501", "cursor=%%%"]) {
      expect([query, (await root.call("GET", `/events?${query}`)).status]).toEqual([query, 400]);
    }
  });

  it("logs sign-ins to the console as their own kind, filterable by scheme=console", async () => {
    await server.store.directory.addKey("root", rsaPub);
    const jwt = jwtFor("root", fixtureKey("ajwt/rsa2048.pem"), { time: Math.floor(server.clock.now / 1000), claims: { aud: `${server.url}/admin` } });
    const signedIn = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: jwt } });
    expect(signedIn.status).toBe(200);
    const refused = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: jwt } });
    expect(refused.status).toBe(401);
    await server.store.events.flush();
    const r = await root.call("GET", "/events?scheme=console");
    expect(r.body.events.map((e: { scheme: string; outcome: string; errorCode: string | null }) => [e.scheme, e.outcome, e.errorCode])).toEqual([
      ["console", "failure", "replayed"],
      ["console", "success", null],
    ]);
    expect((await root.call("GET", "/events?scheme=jwt")).body.totals.matching).toBe(3);
  });

  it("exports the filtered log as CSV with the reason column, formulas defused", async () => {
    const response = await fetch(`${server.url}/admin/api/events/export.csv?scheme=jwt`, { headers: { cookie: root.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/filename="auth-log\.csv"/);
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("at,scheme,outcome,code,reason,username,key_fingerprint,key_comment,ip,user_agent,ca_id,cert_serial,cert_key_id,jwks_url");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(
      `,failure,key_revoked,${keyStateRefusals.revoked.message},alice-smith,${aliceKey.fingerprintSha256},alice laptop,192.0.2.1,'=cmd|' /C calc'!A0,`,
    );
    const bad = await fetch(`${server.url}/admin/api/events/export.csv?from=2030-02-01&to=2030-01-01`, { headers: { cookie: root.cookie } });
    expect(bad.status).toBe(400);
  });

  it("is for administrators only", async () => {
    await server.store.directory.addUser("bob");
    const bob = await signIn(server, "bob");
    expect((await bob.call("GET", "/events")).status).toBe(403);
    expect((await fetch(`${server.url}/admin/api/events/export.csv`, { headers: { cookie: bob.cookie } })).status).toBe(403);
  });
});
