// Hostile `Authorization: chap:<token>` headers against the demo app on every database:
// mutations of a token the handshake issued (truncations at every msgpack field, lying bytes,
// bit flips, text mutations), hand-made tokens (lying lengths, wrong types and versions,
// inverted or overlong windows, foreign MACs) and header spellings. Every one is a 401 with a
// JSON error code within a second; a mutant passes only if it decodes to the issued token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authErrorCodes } from "../../strategy/errors.js";
import { hmac } from "../../strategy/schemes/crtauth/mac.js";
import { databaseKinds } from "../support/databases.js";
import { expectHonestSignInLogged, mp, msgpackStarts, startCrtauthServer, T, type CrtauthServer } from "./crtauth-support.js";
import { byteMutants, eachLimited, rawRequest, sampleFor, seededRandom, textMutants, Verdicts, wireOnly, type Mutant } from "./support.js";

const b64 = (b: Buffer) => b.toString("base64url");
const head = Buffer.from([0x01, 0x74]);

/** Token bodies with a correct HMAC under `secret`, so only the field under test is wrong. */
function handMade(secret: string): Mutant[] {
  const mac = (body: Buffer) => Buffer.concat([body, mp.bin(hmac("sha256", Buffer.from(secret), body))]);
  const body = (from: Buffer, to: Buffer, user: Buffer) => Buffer.concat([head, from, to, user]);
  const ok = body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("alice"));
  const foreign = Buffer.concat([ok, mp.bin(hmac("sha256", Buffer.from("another secret"), ok))]);
  const tokens: Array<[string, Buffer]> = [
    ["well-formed under another secret", foreign],
    ["HMAC of 31 bytes", Buffer.concat([ok, mp.bin(Buffer.alloc(31))])],
    ["HMAC of 33 bytes", Buffer.concat([ok, mp.bin(Buffer.alloc(33))])],
    ["HMAC as a str", Buffer.concat([ok, mp.str(Buffer.alloc(32))])],
    ["no HMAC", ok],
    ["HMAC length 2^32 - 1", Buffer.concat([ok, mp.claims(0xc6, 0xffffffff), Buffer.alloc(32)])],
    ["version 0", mac(Buffer.concat([Buffer.from([0x00, 0x74]), ok.subarray(2)]))],
    ["version 2", mac(Buffer.concat([Buffer.from([0x02, 0x74]), ok.subarray(2)]))],
    ["version 0xff", mac(Buffer.concat([Buffer.from([0xff, 0x74]), ok.subarray(2)]))],
    ["magic of a challenge", mac(Buffer.concat([Buffer.from([0x01, 0x63]), ok.subarray(2)]))],
    ["magic of a request", mac(Buffer.concat([Buffer.from([0x01, 0x71]), mp.str("alice")]))],
    ["legacy v0 text ('v' first)", mac(Buffer.concat([Buffer.from("v"), ok.subarray(1)]))],
    ["valid_to before valid_from", mac(body(mp.uint32(T + 58), mp.uint32(T - 2), mp.str("alice")))],
    ["window of 601 s", mac(body(mp.uint32(T - 2), mp.uint32(T + 599), mp.str("alice")))],
    ["expired long ago", mac(body(mp.uint32(1000), mp.uint32(1060), mp.str("alice")))],
    ["from the far future", mac(body(mp.uint32(0xfffffff0), mp.uint32(0xffffffff), mp.str("alice")))],
    ["times as uint64 2^64 - 1", mac(body(mp.uint64(2n ** 64n - 2n), mp.uint64(2n ** 64n - 1n), mp.str("alice")))],
    ["times as negative int8", mac(body(mp.int8(-5), mp.int8(-1), mp.str("alice")))],
    ["times as strings", mac(body(mp.str(String(T)), mp.str(String(T + 60)), mp.str("alice")))],
    ["username empty", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("")))],
    ["username of 65 chars", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("a".repeat(65))))],
    ["username with NUL", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("alice\u0000")))],
    ["username with ESC", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("\u001b[31malice")))],
    ["username of a stranger", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("mallory")))],
    ["username __proto__", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("__proto__")))],
    ["username Cyrillic look-alike", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str("аlice")))],
    ["username invalid UTF-8", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.str(Buffer.from([0xc3, 0x28]))))],
    ["username as bin", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), mp.bin(Buffer.from("alice"))))],
    ["username str32 claiming 4 GB", Buffer.concat([head, mp.uint32(T - 2), mp.uint32(T + 58), mp.claims(0xdb, 0xffffffff), Buffer.from("alice")])],
    ["username as an array", mac(body(mp.uint32(T - 2), mp.uint32(T + 58), Buffer.from([0x91, 0xa5, ...Buffer.from("alice")])))],
    ["username as a map32 claiming 2^32 entries", Buffer.concat([head, mp.uint32(T - 2), mp.uint32(T + 58), mp.claims(0xdf, 0xffffffff)])],
    ["trailing bytes after the HMAC", Buffer.concat([mac(ok), Buffer.from([0xc0])])],
    ["nil everywhere", Buffer.from([0x01, 0x74, 0xc0, 0xc0, 0xc0, 0xc0])],
    ["reserved tag 0xc1", Buffer.from([0x01, 0x74, 0xc1])],
    ["ext type", Buffer.concat([head, Buffer.from([0xd4, 0x01, 0x00])])],
    ["one byte", Buffer.from([0x01])],
    ["empty", Buffer.alloc(0)],
  ];
  const text: Array<[string, string]> = [
    ["base64 padding", `${b64(foreign)}==`],
    ["standard base64 alphabet", b64(foreign).replace(/-/g, "+").replace(/_/g, "/") + "+/"],
    ["8 KB of A", "A".repeat(8 * 1024)],
    ["15 KB of A", "A".repeat(15 * 1024)],
    ["dots", "a.b.c"],
  ];
  return [...tokens.map(([label, raw]) => ({ label, value: b64(raw) })), ...text.map(([label, value]) => ({ label, value }))];
}

// Stays on the databases: the hostile values go into their event log, and the last cases
// check that no batch was poisoned by one (PostgreSQL stores no NUL, for one).
describe.each(databaseKinds)("hostile chap: tokens on %s", (kind) => {
  let c: CrtauthServer;
  let verdicts: Verdicts;
  beforeAll(async () => {
    c = await startCrtauthServer(kind);
    verdicts = new Verdicts();
  });
  afterAll(async () => {
    verdicts.close();
    await c.t.close();
  });

  const send = (authorization: string) => rawRequest(c.t.url, { path: "/whoami", headers: [["Authorization", authorization]] });

  it("accepts the issued token, so the refusals below are about what the mutants change", async () => {
    const r = await send(`chap:${await c.token()}`);
    expect(r.status).toBe(200);
  });

  /** A 200 is a problem unless the mutant decodes to the issued token's bytes. */
  async function judge(mutants: Mutant[], originalRaw: Buffer | null, prefix = "chap:") {
    await eachLimited(mutants, 2, async (m) => {
      const value = `${prefix}${m.value}`;
      const r = await send(value);
      const credential = value.trim().replace(/^chap[:\s]+/i, "");
      const same = r.status === 200 && originalRaw !== null && Buffer.from(credential, "base64url").equals(originalRaw);
      verdicts.note(`${prefix} ${m.label}`, same ? null : Verdicts.jsonRefusal(r, { codes: authErrorCodes, wire: wireOnly(value) }));
    });
  }

  it("refuses ≥ 50 mutants of an issued token at every msgpack field boundary", async () => {
    const rng = seededRandom(0xc7);
    const text = await c.token();
    const raw = Buffer.from(text, "base64url");
    const before = verdicts.count;
    await judge(sampleFor(kind, byteMutants(raw, msgpackStarts(raw), b64, rng, "token")), raw);
    await judge(sampleFor(kind, textMutants(text, [], rng, "token")), raw);
    expect(verdicts.count - before).toBeGreaterThanOrEqual(kind === "sqlite" ? 50 : 17);
  });

  it("refuses hand-made tokens: lying lengths, wrong types, versions, windows and MACs", async () => {
    await judge(handMade("hostile-crtauth-secret"), null);
  });

  it("refuses mutants of the whole header value and other spellings of chap:", async () => {
    const rng = seededRandom(0xc8);
    const text = await c.token();
    const raw = Buffer.from(text, "base64url");
    await judge(sampleFor(kind, textMutants(`chap:${text}`, [4, 5], rng, "header")), raw, "");
    const spellings = ["CHAP:", "Chap:", "chap: ", "chap ", "chap:\t", "chap::", "chap:chap:", "chap;", "Bearer chap:", "chap"];
    await judge(
      spellings.map((p) => ({ label: `spelled ${JSON.stringify(p)}`, value: `${p}${text}` })),
      raw,
      "",
    );
  });

  it("still writes the event log afterwards: no hostile input poisons an event batch", async () => {
    await expectHonestSignInLogged(c, `after-hostile-${kind}`);
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(kind === "sqlite" ? 150 : 75);
    console.log(`hostile chap: tokens on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`);
  });
});
