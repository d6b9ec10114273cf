// Pagination cursors and list queries through HTTP, on every database: a cursor this API did
// not give out (out-of-range times and ids, wrong shapes, garbage) is a 400 `invalid_cursor`,
// never a 500 from the database layer, and a cursor it did give out keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../strategy/admin/cursors.js";
import { databaseKinds } from "../support/databases.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer, type Client } from "./support.js";

const b64 = (value: unknown) => encodeCursor(value);
// The instants both databases hold and order: ISO years 0001–9999.
const earliest = Date.parse("0001-01-01T00:00:00.000Z");
const latest = Date.parse("9999-12-31T23:59:59.999Z");

// Each list route with cursors that decode to its own shape but lie outside what a row can hold.
const outOfRange: Record<string, string[]> = {
  "/keys": [
    b64({ s: "created", o: "desc", v: latest + 1, i: "x" }),
    b64({ s: "created", o: "desc", v: earliest - 1, i: "x" }),
    b64({ s: "created", o: "desc", v: 8.64e15, i: "x" }),
    b64({ s: "created", o: "desc", v: -8.64e15, i: "x" }),
    b64({ s: "created", o: "desc", v: 8.64e15 + 1, i: "x" }),
    b64({ s: "created", o: "desc", v: -8.64e15 - 1, i: "x" }),
    b64({ s: "created", o: "desc", v: Number.MAX_SAFE_INTEGER, i: "x" }),
    b64({ s: "created", o: "desc", v: -Number.MAX_SAFE_INTEGER, i: "x" }),
    b64({ s: "created", o: "desc", v: 0, i: "" }),
    b64({ s: "created", o: "desc", v: 1.5, i: "x" }),
    b64({ s: "created", o: "desc", v: "1", i: "x" }),
    b64({ s: "created", o: "desc", v: 0, i: "x".repeat(65) }),
    b64({ s: "created", o: "desc", v: 0 }),
    b64({ s: "created", o: "desc", v: 0, i: "x", extra: 1 }),
    b64([0, "x"]),
    b64({ s: "created", o: "desc", v: null, i: "x" }),
    b64({ s: "uses", o: "desc", v: 2 ** 31, i: "x" }),
    b64({ s: "uses", o: "desc", v: "1", i: "x" }),
    b64({ s: "comment", o: "asc", v: 5, i: "x" }),
    b64({ s: "comment", o: "asc", v: "x".repeat(201), i: "x" }),
    b64({ s: "lastUsed", o: "asc", v: "2030-01-01", i: "x" }),
    b64({ s: "fingerprint", o: "asc", v: "x", i: "x" }),
    b64(null),
  ],
  "/events": [
    b64({ a: latest + 1, i: 1 }),
    b64({ a: earliest - 1, i: 1 }),
    b64({ a: 8.64e15 + 1, i: 1 }),
    b64({ a: -8.64e15 - 1, i: 1 }),
    b64({ a: Number.MAX_SAFE_INTEGER, i: 1 }),
    b64({ a: 0, i: 2 ** 31 }),
    b64({ a: 0, i: 2 ** 40 }),
    b64({ a: 0, i: Number.MAX_SAFE_INTEGER }),
    b64({ a: 0, i: -(2 ** 31) - 1 }),
    b64({ a: 0, i: 1.5 }),
    b64({ a: 0 }),
    b64("x"),
  ],
  "/users": [b64({ u: "" }), b64({ u: 5 }), b64({ u: "x".repeat(65) }), b64({}), b64(true)],
};

describe.each(databaseKinds)("list cursors on %s", (kind) => {
  let server: AdminServer;
  let root: Client;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    for (let i = 0; i < 3; i++) await server.store.directory.addKey("root", newKeyLine(`k${i}`));
    root = await signIn(server, "root");
  });
  afterAll(async () => {
    await server.close();
  });

  for (const [route, cursors] of Object.entries(outOfRange)) {
    it(`GET ${route}: a cursor outside the row's range is 400 invalid_cursor`, async () => {
      for (const cursor of cursors) {
        const r = await root.call("GET", `${route}?cursor=${cursor}`);
        expect({ cursor: Buffer.from(cursor, "base64url").toString(), status: r.status, code: r.body?.error?.code }).toEqual({
          cursor: Buffer.from(cursor, "base64url").toString(),
          status: 400,
          code: "invalid_cursor",
        });
      }
    });
  }

  it("a date filter or expiry outside years 0001–9999 is a 400, not a database error", async () => {
    for (const date of ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00", "0000-06-01", "0000-12-31T23:59:59Z"]) {
      for (const field of ["from", "to"]) {
        const r = await root.call("GET", `/events?${field}=${encodeURIComponent(date)}`);
        expect([field, date, r.status, r.body.error?.code]).toEqual([field, date, 400, "invalid_request"]);
      }
      const added = await root.call("POST", "/keys", { text: newKeyLine(), expiresAt: date });
      expect([date, added.status, added.body.error?.code]).toEqual([date, 400, "invalid_body"]);
    }
    const edge = await root.call("GET", `/events?from=0001-01-01&to=${encodeURIComponent("9999-12-31T23:59:59.999Z")}`);
    expect(edge.status).toBe(200);
  });

  it("the extreme times a row can hold are valid cursors and page as usual", async () => {
    const newest = await root.call("GET", `/keys?cursor=${b64({ s: "created", o: "desc", v: latest, i: "z" })}`);
    expect(newest.status).toBe(200);
    expect(newest.body.keys).toHaveLength(3);
    const oldest = await root.call("GET", `/keys?cursor=${b64({ s: "created", o: "desc", v: earliest, i: "a" })}`);
    expect(oldest.status).toBe(200);
    expect(oldest.body.keys).toHaveLength(0);
    const events = await root.call("GET", `/events?cursor=${b64({ a: latest, i: 2 ** 31 - 1 })}`);
    expect(events.status).toBe(200);
  });

  it("a cursor this API gave out still pages", async () => {
    const first = await root.call("GET", "/keys?limit=2");
    expect(first.body.keys).toHaveLength(2);
    const second = await root.call("GET", `/keys?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.keys).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });

  it("a NUL or other control character in any name, id, comment, reason or search is a 400, not stored", async () => {
    const keyId = (await server.store.directory.addKey("root", newKeyLine("victim"))).id;
    const calls: Array<[string, string, unknown?]> = [
      ["GET", "/keys?q=a%00b"],
      ["GET", "/keys?user=root%00"],
      ["GET", "/users?q=%00"],
      ["GET", "/events?user=root%00"],
      ["GET", "/events?key=%1b"],
      ["GET", "/events?scheme=jwt%00"],
      ["GET", `/keys?cursor=${b64({ s: "created", o: "desc", v: 0, i: "a\u0000" })}`],
      ["GET", "/keys/a%00b"],
      ["PATCH", `/keys/${keyId}`, { comment: "lap\u0000top" }],
      ["PATCH", `/keys/${keyId}`, { comment: "\u001b[2J" }],
      ["POST", `/keys/${keyId}/revoke`, { reason: "lost\u0000" }],
      ["POST", "/keys", { text: newKeyLine(), username: "root\u0000" }],
      ["POST", "/keys", { text: newKeyLine(), comment: "a\u0007" }],
      ["POST", "/users", { username: "eve\u0000" }],
      ["PATCH", "/users/root%00", { disabled: true }],
    ];
    for (const [method, path, body] of calls) {
      const r = await root.call(method, path, body);
      const expected = path.includes("cursor=") ? "invalid_cursor" : body === undefined ? "invalid_request" : expect.stringMatching(/^invalid_(body|request)$/);
      expect([method, path, r.status, r.body?.error?.code]).toEqual([method, path, 400, expected]);
    }
    const key = await server.store.database.prisma.publicKey.findUniqueOrThrow({ where: { id: keyId } });
    expect([key.comment, key.revokedAt]).toEqual(["victim", null]);
    // Line breaks and tabs stay allowed where a person types prose.
    const revoked = await root.call("POST", `/keys/${keyId}/revoke`, { reason: "lost\n\ton a train" });
    expect([revoked.status, revoked.body.key?.revokedReason]).toEqual([200, "lost\n\ton a train"]);
  });
});
