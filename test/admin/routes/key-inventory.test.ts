// The admin key inventory over HTTP (issue 18): "whose key is this?" by fingerprint or public
// key, sorting with a cursor that carries the sort, filters, totals, CSV export and bulk
// revocation — with the hostile shapes of each refused with a 4xx, never a 500.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyRecord } from "../../../strategy/store/index.js";
import { databaseKinds } from "../../support/databases.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer, type Client } from "../support.js";

describe.each(databaseKinds)("the key inventory API on %s", (kind) => {
  let server: AdminServer;
  let root: Client;
  let alice: Client;
  const keys: KeyRecord[] = [];
  const aliceLine = newKeyLine("alice laptop");

  beforeAll(async () => {
    server = await startAdminServer(kind);
    const d = server.store.directory;
    await d.addUser("root", { isAdmin: true });
    await d.addUser("alice");
    await d.addUser("bob");
    keys.push(await d.addKey("alice", aliceLine));
    for (const [i, comment] of ['say "hi", ok', '=HYPERLINK("http://x")', "-2+3", "@SUM(A1)", "plain"].entries()) {
      server.clock.now += 1000;
      keys.push(await d.addKey(i % 2 === 0 ? "bob" : "alice", newKeyLine(), { comment, origin: i === 4 ? "import" : "upload" }));
    }
    root = await signIn(server, "root");
    alice = await signIn(server, "alice");
  });
  afterAll(() => server?.close());

  describe("whose key is this?", () => {
    const found = async (client: Client, q: string) => {
      const r = await client.call("GET", `/keys?q=${encodeURIComponent(q)}`);
      expect(r.status).toBe(200);
      return { ids: r.body.keys.map((k: { id: string }) => k.id), identity: r.body.identity };
    };

    it("finds the one key by SHA256 fingerprint, MD5 fingerprint (with or without MD5:), or its public key line", async () => {
      const key = keys[0]!;
      const exact = { ids: [key.id], identity: true };
      expect(await found(root, key.fingerprintSha256)).toEqual(exact);
      expect(await found(root, `  ${key.fingerprintSha256}  `)).toEqual(exact);
      expect(await found(root, `MD5:${key.fingerprintMd5}`)).toEqual(exact);
      expect(await found(root, key.fingerprintMd5.toUpperCase())).toEqual(exact);
      expect(await found(root, aliceLine)).toEqual(exact);
      expect(await found(root, `from="10.0.0.0/8",no-pty ${aliceLine}`)).toEqual(exact);
      // Part of an MD5 fingerprint is ordinary search text, its prefix dropped.
      expect((await found(root, `MD5:${key.fingerprintMd5.slice(0, 20)}`)).ids).toContain(key.id);
    });

    it("a fingerprint or key no one holds matches nothing; a user finds only their own keys", async () => {
      expect(await found(root, newKeyLine())).toEqual({ ids: [], identity: true });
      expect(await found(root, `MD5:${"00:".repeat(15)}00`)).toEqual({ ids: [], identity: true });
      const bobs = keys[1]!;
      expect(await found(alice, bobs.fingerprintSha256)).toEqual({ ids: [], identity: true });
      expect((await found(alice, keys[0]!.fingerprintSha256)).ids).toEqual([keys[0]!.id]);
    });
  });

  describe("listing", () => {
    it("answers totals by state and sorts by a column, paging each key once with a cursor that carries the sort", async () => {
      await root.call("POST", `/keys/${keys[5]!.id}/revoke`, { reason: "old" });
      const first = await root.call("GET", "/keys?sort=comment&order=asc&limit=2");
      expect(first.status).toBe(200);
      expect(first.body.totals).toEqual({ matching: 6, byStatus: { active: 5, revoked: 1, expired: 0, unverified: 0 } });
      const seen = first.body.keys.map((k: { comment: string }) => k.comment);
      let cursor = first.body.nextCursor;
      while (cursor) {
        const next = await root.call("GET", `/keys?sort=comment&order=asc&limit=2&cursor=${cursor}`);
        seen.push(...next.body.keys.map((k: { comment: string }) => k.comment));
        cursor = next.body.nextCursor;
      }
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
      expect(seen.indexOf("alice laptop")).toBeLessThan(seen.indexOf("plain"));
      // A cursor of one sort is no good for another.
      const other = await root.call("GET", `/keys?sort=created&limit=2&cursor=${first.body.nextCursor}`);
      expect([other.status, other.body.error.code]).toEqual([400, "invalid_cursor"]);
    });

    it("filters by status, type, origin, user and last use, with totals under the same filter", async () => {
      const r = await root.call("GET", "/keys?user=bob&origin=import");
      expect(r.body.keys.map((k: { comment: string }) => k.comment)).toEqual(["plain"]);
      expect(r.body.totals.matching).toBe(1);
      expect((await root.call("GET", "/keys?status=revoked")).body.keys.map((k: { id: string }) => k.id)).toEqual([keys[5]!.id]);
      expect((await root.call("GET", "/keys?type=ssh-rsa")).body.totals.matching).toBe(0);
      expect((await root.call("GET", "/keys?lastUsedAfter=2000-01-01")).body.totals.matching).toBe(0);
      expect((await alice.call("GET", "/keys")).body.totals.matching).toBe(3);
      expect((await alice.call("GET", "/keys?user=bob")).status).toBe(403);
      expect((await root.call("GET", "/keys?user=nobody")).body.error.code).toBe("user_not_found");
      // Pages of up to 500: no more four clicks for a few hundred keys.
      expect((await root.call("GET", "/keys?limit=500")).status).toBe(200);
    });

    it.each([
      ["a sort name it does not know", "sort=fingerprint;DROP"],
      ["a direction it does not know", "order=sideways"],
      ["a date that is not one", "lastUsedBefore=yesterday"],
      ["a date beyond year 9999", "lastUsedAfter=+275760-09-13T00:00:00Z"],
      ["a page larger than 500", "limit=501"],
      ["a huge search", `q=${"a".repeat(9000)}`],
      ["a search with a NUL", "q=a%00b"],
      ["a status it does not know", "status=lost"],
      ["a forged cursor", `cursor=${Buffer.from(JSON.stringify({ s: "comment", o: "asc", v: { $gt: "" }, i: "x" })).toString("base64url")}`],
    ])("refuses %s with a 400", async (_name, query) => {
      const r = await root.call("GET", `/keys?${query}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toMatch(/^invalid_(request|cursor)$/);
    });
  });

  describe("CSV export", () => {
    const csv = async (client: Client, query: string) => {
      const response = await fetch(`${server.url}/admin/api/keys/export.csv?${query}`, { headers: { cookie: client.cookie } });
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        disposition: response.headers.get("content-disposition"),
        text: await response.text(),
      };
    };

    it("exports the filtered list, quoted as RFC 4180 says, with spreadsheet formulas defused", async () => {
      const r = await csv(root, "sort=created&order=asc");
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/csv/);
      expect(r.disposition).toMatch(/attachment; filename="keys\.csv"/);
      const lines = r.text.trimEnd().split("\r\n");
      expect(lines[0]).toMatch(/^username,type,bits,fingerprint_sha256,fingerprint_md5,comment,status,/);
      expect(lines).toHaveLength(7);
      expect(lines[1]).toContain(`alice,ssh-ed25519,256,${keys[0]!.fingerprintSha256},MD5:${keys[0]!.fingerprintMd5},alice laptop,active,upload`);
      expect(lines[2]).toContain(',"say ""hi"", ok",');
      expect(lines[3]).toContain(`,"'=HYPERLINK(""http://x"")",`);
      expect(lines[4]).toContain(",'-2+3,");
      expect(lines[5]).toContain(",'@SUM(A1),");
      expect(lines[6]).toMatch(/,revoked,import,.*,old\s*$/);
    });

    it("exports only what the caller may list, under the same filters, and refuses bad ones as JSON", async () => {
      const mine = await csv(alice, "");
      expect(
        mine.text
          .trimEnd()
          .split("\r\n")
          .slice(1)
          .every((line) => line.startsWith("alice,")),
      ).toBe(true);
      expect((await csv(root, "user=bob&status=revoked")).text.trimEnd().split("\r\n")).toHaveLength(2);
      const bad = await csv(root, "sort=nope");
      expect([bad.status, JSON.parse(bad.text).error.code]).toEqual([400, "invalid_request"]);
    });
  });

  describe("bulk revoke", () => {
    it("revokes many keys with one reason in one call, answering each id on its own", async () => {
      const ids = [keys[1]!.id, keys[2]!.id, keys[5]!.id, "no-such-key", keys[1]!.id];
      const r = await root.call("POST", "/keys/revoke", { ids, reason: "laptop stolen" });
      expect(r.status).toBe(200);
      expect(r.body.results.map((x: { id: string; outcome: string }) => [x.id, x.outcome])).toEqual([
        [keys[1]!.id, "revoked"],
        [keys[2]!.id, "revoked"],
        [keys[5]!.id, "already_revoked"],
        ["no-such-key", "not_found"],
      ]);
      expect(r.body.results[0].key).toMatchObject({ status: "revoked", revokedReason: "laptop stolen" });
      expect((await server.store.directory.findKeyById(keys[5]!.id)).revokedReason).toBe("old");
    });

    it("is for administrators only, and needs the CSRF token like every change", async () => {
      const r = await alice.call("POST", "/keys/revoke", { ids: [keys[0]!.id] });
      expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
      const noCsrf = await root.call("POST", "/keys/revoke", { ids: [keys[0]!.id] }, { "x-csrf-token": "wrong" });
      expect([noCsrf.status, noCsrf.body.error.code]).toEqual([403, "csrf_failed"]);
      expect((await server.store.directory.findKeyById(keys[0]!.id)).revokedAt).toBeNull();
    });

    it("refuses 10 000 ids (413 past the body limit, 400 past 500 ids), no ids, and unknown fields", async () => {
      const huge = await root.call("POST", "/keys/revoke", { ids: Array.from({ length: 10_000 }, () => crypto.randomUUID()) });
      expect([huge.status, huge.body.error.code]).toEqual([413, "body_too_large"]);
      // Short ids fit the body limit: then the count is refused.
      const many = await root.call("POST", "/keys/revoke", { ids: Array.from({ length: 10_000 }, (_, i) => String(i % 100)) });
      expect([many.status, many.body.error.code, many.body.error.message]).toEqual([400, "invalid_body", expect.stringMatching(/^ids: .*500/)]);
      const tooMany = await root.call("POST", "/keys/revoke", { ids: Array.from({ length: 501 }, (_, i) => `k${i}`) });
      expect([tooMany.status, tooMany.body.error.code]).toEqual([400, "invalid_body"]);
      expect((await root.call("POST", "/keys/revoke", { ids: [] })).status).toBe(400);
      expect((await root.call("POST", "/keys/revoke", { ids: [keys[0]!.id], all: true })).status).toBe(400);
      expect((await root.call("POST", "/keys/revoke", { ids: [keys[0]!.id], reason: "x".repeat(501) })).status).toBe(400);
    });
  });
});
