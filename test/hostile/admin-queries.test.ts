// Hostile query strings and path parameters for the console's list and item routes, through
// the demo app on every database: every parameter set to out-of-range, negative, NaN, huge,
// repeated (`?q=a&q=b`), bracketed (`q[a]=b`), badly percent-encoded, NUL and Unicode values,
// cursors forged from every field type, and text mutations of real cursors. Each answer is the
// list (for a value that is still valid) or a 4xx with a JSON error code, within a second.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../strategy/admin/cursors.js";
import { newKeyLine } from "../admin/support.js";
import { databaseKinds } from "../support/databases.js";
import { startAdminFixture, type AdminFixture } from "./admin-support.js";
import { eachLimited, rawRequest, sampleFor, seededRandom, textMutants, Verdicts, type RawResponse } from "./support.js";

/** Raw query values (already percent-encoded where they need to be). */
const hostileValues = [
  "",
  "0",
  "-1",
  "-0",
  "1.5",
  "1e3",
  "1e400",
  "NaN",
  "Infinity",
  "-Infinity",
  "0x10",
  "201",
  "200",
  "9007199254740993",
  "99999999999999999999999",
  "%00",
  "a%00b",
  "%",
  "%ZZ",
  "%C3%A9",
  "%FF%FE",
  "%E2%80%AE",
  "%F0%9F%98%80",
  "%ED%A0%80",
  "%0D%0ASet-Cookie:x",
  "__proto__",
  "constructor",
  "toString",
  "active",
  "ACTIVE",
  "revoked",
  "success",
  "2030-01-01",
  "2030-02-30",
  "0000-01-01",
  "9999-12-31T23:59:59Z",
  "2030-01-01T00:00:00%2B14:00",
  "+275760-09-13",
  "x".repeat(3000),
  "%2525",
  "..%2F..%2F",
  "'%20OR%201=1--",
  "%3Cscript%3E",
  "true",
  "null",
  "[]",
  "{}",
];

/** Every byte percent-encoded: encodeURIComponent throws on a lone surrogate. */
const percentEncoded = (text: string) => [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

const cursors = [
  encodeCursor({ c: 1e20, i: "x" }),
  encodeCursor({ a: -1e20, i: 1 }),
  encodeCursor({ a: 0, i: 2 ** 53 }),
  encodeCursor({ u: "__proto__" }),
  // Safe integers a Date or a 32-bit id cannot hold: these were the red team's 500s.
  encodeCursor({ c: 8.64e15 + 1, i: "x" }),
  encodeCursor({ a: 2 ** 52, i: 1 }),
  encodeCursor({ a: 0, i: 2 ** 31 }),
  encodeCursor({ c: -62135596800001, i: "x" }),
  encodeCursor({ __proto__: { c: 1 } }),
  encodeCursor("x".repeat(300)),
  encodeCursor([1, 2]),
  encodeCursor({ c: 0, i: { $gt: "" } }),
  Buffer.from("{not json").toString("base64url"),
  Buffer.from([0xff, 0xfe, 0x00]).toString("base64url"),
  "====",
  "!!!!",
  "x".repeat(600),
];

describe.each(databaseKinds)("hostile admin query strings on %s", (kind) => {
  let f: AdminFixture;
  let verdicts: Verdicts;
  const routes: Record<string, string[]> = {
    "/admin/api/keys": ["q", "user", "status", "cursor", "limit"],
    "/admin/api/users": ["q", "cursor", "limit"],
    "/admin/api/events": ["user", "key", "scheme", "outcome", "from", "to", "cursor", "limit"],
  };
  const get = (path: string, who = f.root) => f.as(who, { path });
  beforeAll(async () => {
    f = await startAdminFixture(kind);
    // A few pages of keys and events, so real cursors exist.
    for (let i = 0; i < 4; i++) await f.t.store.directory.addKey("root", newKeyLine(`k${i}`));
    // Warm-up, not judged: the first query of each shape pays for Prisma building it, which
    // is start-up cost, not what a hostile value costs.
    const warm = { q: "k", user: "root", status: "active", limit: "2", key: "x", scheme: "jwt", outcome: "success", from: "2030-01-01", to: "2031-01-01" };
    for (const [route, params] of Object.entries(routes)) {
      for (const param of params) if (param !== "cursor") await get(`${route}?${param}=${warm[param as keyof typeof warm]}`);
    }
    verdicts = new Verdicts();
  });
  afterAll(async () => {
    verdicts.close();
    await f?.t.close();
  });

  const ok = (r: RawResponse) => Verdicts.jsonRefusal(r, { wire: true, allow: (x) => x.status === 200 && x.json !== undefined && typeof x.json === "object" });

  it("answers every parameter of every list set to each hostile value", async () => {
    const jobs: string[] = [];
    for (const [route, params] of Object.entries(routes)) {
      for (const param of params)
        for (const value of param === "cursor" ? [...hostileValues, ...cursors] : hostileValues) jobs.push(`${route}?${param}=${value}`);
    }
    await eachLimited(jobs, 2, async (path) => verdicts.note(`GET ${path.slice(0, 120)}`, ok(await get(path))));
    expect(jobs.length).toBeGreaterThanOrEqual(50 * 3);
  });

  it("answers repeated, bracketed and oversized parameters", async () => {
    const jobs: string[] = [];
    for (const [route, params] of Object.entries(routes)) {
      for (const param of params) {
        jobs.push(
          `${route}?${param}=a&${param}=b`,
          `${route}?${param}=1&${param}=2&${param}=3`,
          `${route}?${param}[]=a`,
          `${route}?${param}[a]=b`,
          `${route}?${param}[__proto__]=x`,
          `${route}?${param}`,
          `${route}?${param}=`,
          `${route}?${param}=${"a".repeat(8000)}`,
          `${route}?&&&${param}==`,
        );
      }
      jobs.push(
        `${route}?__proto__[x]=1`,
        `${route}?constructor[prototype][x]=1`,
        `${route}?${"a=1&".repeat(2000)}`,
        `${route}?%00=1`,
        `${route}?q=${"%".repeat(1000)}`,
      );
    }
    await eachLimited(jobs, 2, async (path) => verdicts.note(`GET ${path.slice(0, 120)}`, ok(await get(path))));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("answers text mutations of real cursors", async () => {
    const rng = seededRandom(0xd1);
    for (const route of ["/admin/api/keys", "/admin/api/users", "/admin/api/events"]) {
      const first = await get(`${route}?limit=1`);
      const next = first.json?.nextCursor as string | null;
      if (!next) continue;
      const mutants = sampleFor(kind, textMutants(next, [], rng, `${route} cursor`));
      await eachLimited(mutants, 2, async (m) => {
        const r = await get(`${route}?limit=1&cursor=${percentEncoded(m.value)}`);
        verdicts.note(m.label, ok(r));
      });
    }
  });

  it("answers hostile path parameters and a plain user's forbidden lists", async () => {
    const ids = [
      "%00",
      "a%00b",
      "%ZZ",
      "%",
      "..%2F..%2Fetc",
      "%2F",
      "x".repeat(65),
      "x".repeat(5000),
      "__proto__",
      "constructor",
      "%E2%80%AE",
      "%ED%A0%80",
      "'%20OR%201=1",
    ];
    for (const id of ids) {
      verdicts.note(`GET /keys/${id.slice(0, 40)}`, ok(await get(`/admin/api/keys/${id}`)));
      for (const [method, path, body] of [
        ["PATCH", `/admin/api/keys/${id}`, { comment: "x" }],
        ["DELETE", `/admin/api/keys/${id}`, undefined],
        ["POST", `/admin/api/keys/${id}/revoke`, {}],
        ["PATCH", `/admin/api/users/${id}`, { disabled: false }],
      ] as const) {
        const r = await f.as(f.root, { method, path, body: body && JSON.stringify(body), headers: body ? [["Content-Type", "application/json"]] : [] });
        verdicts.note(`${method} ${path.slice(0, 60)}`, ok(r));
      }
    }
    // Sign-in link secrets: every refusal is JSON (and the per-IP limit soon answers 429).
    for (const secret of ["%00", "%ZZ", "x".repeat(43), "x".repeat(5000), "..%2F..%2Fapi%2Fme", "__proto__", "%ED%A0%80", ""]) {
      const r = await rawRequest(f.t.url, { path: `/admin/login/${secret}` });
      verdicts.note(`GET /admin/login/${secret.slice(0, 40)}`, Verdicts.jsonRefusal(r, { wire: true }));
    }
    for (const path of ["/admin/api/users?q=a", "/admin/api/events?user=root", "/admin/api/keys?user=root", "/admin/api/users?cursor=%00"]) {
      const r = await get(path, f.alice);
      verdicts.note(`alice GET ${path}`, Verdicts.jsonRefusal(r, { codes: ["forbidden", "invalid_request", "invalid_cursor"] }));
    }
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(300);
    console.log(
      `hostile admin query strings on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`,
    );
  });
});
