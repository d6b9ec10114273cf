// Hostile JSON bodies for the console's API, through the demo app on every database: every
// field of every body replaced by values of the wrong type and size, prototype-pollution keys,
// deep nesting, broken and oversized JSON, and wrong content types and encodings. Each answer
// is a 4xx with a JSON error code (or the route's normal 2xx for a body that is still valid),
// within a second, with no unhandled rejection and Object.prototype untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKeyLine } from "../admin/support.js";
import { databaseKinds } from "../support/databases.js";
import { startAdminFixture, type AdminFixture } from "./admin-support.js";
import { eachLimited, sampleFor, seededRandom, textMutants, Verdicts, type Mutant, type RawResponse } from "./support.js";

const deep = (n: number): unknown => {
  let v: unknown = "bottom";
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

/** Values of every wrong type and size, and the strings that break naive code. */
const hostileValues: Array<[string, unknown]> = [
  ["null", null],
  ["true", true],
  ["zero", 0],
  ["-1", -1],
  ["1e308", 1e308],
  ["fraction", 0.5],
  ["empty string", ""],
  ["space", " "],
  ["70,000 chars", "x".repeat(70_000)],
  ["NUL", "\u0000"],
  ["NUL inside", "ab\u0000cd"],
  ["control chars", "\u001b[2J\u0007"],
  ["RTL override", "\u202etxt.exe"],
  ["lone surrogate", "\ud800"],
  ["astral", "𝓪𝓵𝓲𝓬𝓮"],
  ["Cyrillic look-alike", "аlice"],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
  ["array", ["a"]],
  ["empty object", {}],
  ["operator object", { $ne: null }],
  ["nested 500 deep", deep(500)],
  ["date-ish", "2030-02-30"],
  ["year 10000", "+010000-01-01T00:00:00Z"],
  ["ISO with offset", "2030-01-01T00:00:00+14:00"],
  ["SQL", "' OR 1=1 --"],
  ["HTML", "<script>alert(1)</script>"],
];

describe.each(databaseKinds)("hostile admin JSON bodies on %s", (kind) => {
  let f: AdminFixture;
  let verdicts: Verdicts;
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
  beforeAll(async () => {
    f = await startAdminFixture(kind);
    verdicts = new Verdicts();
  });
  afterAll(async () => {
    verdicts.close();
    await f?.t.close();
  });

  /** A refusal with a JSON code, or the route's own success for a body that is still acceptable. */
  const ok = (r: RawResponse, wire = false) =>
    Verdicts.jsonRefusal(r, { wire, allow: (x) => x.status >= 200 && x.status < 300 && x.json !== undefined && typeof x.json === "object" });

  const routes = () => [
    { method: "POST", path: "/admin/api/keys/preview", valid: { text: newKeyLine("p") } },
    { method: "POST", path: "/admin/api/keys", valid: { text: newKeyLine("k"), comment: "c", expiresAt: "2031-01-01", username: "target" } },
    { method: "POST", path: "/admin/api/users", valid: { username: "newbie", isAdmin: false } },
    { method: "PATCH", path: "/admin/api/users/target", valid: { isAdmin: false, disabled: false } },
    { method: "PATCH", path: `/admin/api/keys/${f.rootKeyId}`, valid: { comment: "renamed", expiresAt: null } },
    { method: "POST", path: `/admin/api/keys/${f.aliceKeyId}/revoke`, valid: { reason: "hostile suite" } },
  ];

  const send = (method: string, path: string, body: string | Buffer, contentType = "application/json", extra: Array<[string, string]> = []) =>
    f.as(f.root, { method, path, body, headers: [["Content-Type", contentType], ...extra] });

  it("answers every field of every body set to each hostile value", async () => {
    const jobs: Array<{ label: string; method: string; path: string; body: string }> = [];
    for (const route of routes()) {
      for (const field of Object.keys(route.valid)) {
        for (const [name, value] of hostileValues) {
          jobs.push({
            label: `${route.method} ${route.path} ${field}=${name}`,
            method: route.method,
            path: route.path,
            body: JSON.stringify({ ...route.valid, [field]: value }),
          });
        }
      }
    }
    await eachLimited(jobs, 2, async (j) => verdicts.note(j.label, ok(await send(j.method, j.path, j.body))));
    expect(jobs.length).toBeGreaterThanOrEqual(50 * 6);
  });

  it("answers whole bodies of the wrong shape, pollution keys and deep nesting", async () => {
    const shapes: Array<[string, string]> = [
      ["empty", ""],
      ["null", "null"],
      ["array", "[]"],
      ["string", '"text"'],
      ["number", "42"],
      ["unknown key", '{"text":"x","admin":true}'],
      ["__proto__ key", '{"__proto__":{"polluted":"yes","isAdmin":true},"text":"x"}'],
      ["constructor.prototype", '{"constructor":{"prototype":{"polluted":"yes"}},"username":"p1"}'],
      ["__proto__ only", '{"__proto__":{"username":"viaproto"}}'],
      ["duplicate keys", '{"username":"dup1","username":"dup2"}'],
      ["nested 10,000 deep", `{"text":${"[".repeat(10_000)}${"]".repeat(10_000)}}`],
      ["nested 60,000 objects (under 64 KB? no: over)", `{"a":${'{"a":'.repeat(13_000)}1${"}".repeat(13_000)}}`],
      ["truncated", '{"text":"ssh-ed25519 AAAA'],
      ["trailing comma", '{"text":"x",}'],
      ["single quotes", "{'text':'x'}"],
      ["NaN literal", '{"text":NaN}'],
      ["comment", '{"text":"x"/* c */}'],
      ["BOM first", '\ufeff{"text":"x"}'],
      ["UTF-16 bytes", Buffer.from('{"text":"x"}', "utf16le").toString("latin1")],
      ["invalid UTF-8", "\u00ff\u00fe"],
      ["64 KB + 1", JSON.stringify({ text: "x".repeat(64 * 1024) })],
      ["1 MB", JSON.stringify({ text: "x".repeat(1024 * 1024) })],
    ];
    const jobs: Array<{ label: string; method: string; path: string; body: string }> = [];
    for (const route of routes())
      for (const [name, body] of shapes) jobs.push({ label: `${route.method} ${route.path} body ${name}`, method: route.method, path: route.path, body });
    await eachLimited(jobs, 2, async (j) => verdicts.note(j.label, ok(await send(j.method, j.path, j.body))));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
    // Nothing was created through a polluted prototype.
    const prisma = f.t.store.database.prisma;
    expect(await prisma.user.count({ where: { username: { in: ["viaproto", "polluted"] } } })).toBe(0);
    expect((await prisma.user.findUniqueOrThrow({ where: { username: "alice" } })).isAdmin).toBe(false);
  });

  it("answers text mutations of each valid body", async () => {
    const rng = seededRandom(0xb0);
    for (const route of routes()) {
      const text = JSON.stringify(route.valid);
      const boundaries = [...text.matchAll(/[{}:,"]/g)].map((m) => m.index);
      const mutants: Mutant[] = sampleFor(kind, textMutants(text, boundaries, rng, `${route.method} ${route.path}`));
      await eachLimited(mutants, 2, async (m) => verdicts.note(m.label, ok(await send(route.method, route.path, m.value))));
    }
  });

  it("answers wrong content types and encodings", async () => {
    const body = JSON.stringify({ text: newKeyLine("ct") });
    const types = [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=utf-16",
      "application/json; charset=latin1",
      "application/json; charset=ebcdic",
      "application/json, text/plain",
      "application/jsonx",
      "",
      "*/*",
      "application/*+json",
      "APPLICATION/JSON",
    ];
    const jobs: Array<[string, string, Array<[string, string]>]> = types.map((t) => [`content-type ${JSON.stringify(t)}`, t, []]);
    for (const encoding of ["gzip", "deflate", "br", "identity, gzip", "compress", "x-unknown"])
      jobs.push([`content-encoding ${encoding} (not encoded)`, "application/json", [["Content-Encoding", encoding]]]);
    for (const [label, type, extra] of jobs) {
      for (const path of ["/admin/api/keys/preview", "/admin/api/users"]) {
        verdicts.note(`${path} ${label}`, ok(await send("POST", path, body, type, extra)));
      }
    }
  });

  it("refuses a plain user's admin bodies with 403, whatever they contain", async () => {
    for (const [name, value] of hostileValues) {
      const r = await f.as(f.alice, {
        method: "POST",
        path: "/admin/api/users",
        body: JSON.stringify({ username: value }),
        headers: [["Content-Type", "application/json"]],
      });
      verdicts.note(`alice POST /users username=${name}`, Verdicts.jsonRefusal(r, { codes: ["forbidden", "invalid_body", "body_too_large"] }));
    }
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(300);
    console.log(`hostile admin bodies on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`);
  });
});
