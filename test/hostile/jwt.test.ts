// Hostile `Authorization: JWT …` headers against the demo app on every database: mutations of
// valid RS512 and EdDSA tokens (truncations at every segment and byte boundary, bit flips,
// duplicated and dropped segments, Unicode, NUL, CR/LF) and hand-picked headers and claims.
// Every one is refused with a 4xx and a JSON error code, within a second, and nothing rejects
// unhandled; a mutant is accepted only when it decodes to the very token it came from.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authErrorCodes } from "../../strategy/errors.js";
import { databaseKinds } from "../support/databases.js";
import { fixtureKey, fixtureText, forgeJwt, signWith } from "../support/forge-jwt.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import {
  byteMutants,
  eachLimited,
  expectHonestRequestLogged,
  rawRequest,
  sampleFor,
  seededRandom,
  textMutants,
  Verdicts,
  wireOnly,
  type Mutant,
} from "./support.js";

const T = 1_700_000_000;
const rsa = fixtureKey("ajwt/rsa2048.pem");
const rsaKid = "e9323344a9950443fe2c482f3f020990b81d80cfea4ede353ca5d8299a527ece";
const ed = freshKeyPair("ed25519").privateKey;
let nonce = 0;
const claims = (extra: Record<string, unknown> = {}) => ({ username: "alice", time: T, nonce: `h${++nonce}`, ...extra });
const rs512 = (c: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  forgeJwt({ header: { alg: "RS512", kid: rsaKid, typ: "JWT", ...header }, claims: c, sign: signWith.rsa(rsa) });
const b64 = (s: string) => Buffer.from(s).toString("base64url");

/** Offsets of each dot and of each segment start in a compact JWS. */
function dotBoundaries(jws: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < jws.length; i++) if (jws[i] === ".") out.push(i, i + 1);
  return out;
}

/** Byte-level mutations of one segment (0 header, 1 claims, 2 signature), re-encoded into the token. */
function segmentMutants(jws: string, index: number, rng: () => number): Mutant[] {
  const parts = jws.split(".");
  const bytes = Buffer.from(parts[index]!, "base64url");
  // JSON field boundaries are where a quote, colon or comma sits; a signature has none.
  const boundaries = index === 2 ? [] : [...bytes.keys()].filter((i) => '":,{}'.includes(String.fromCharCode(bytes[i]!)));
  const name = ["header", "claims", "signature"][index]!;
  return byteMutants(bytes, boundaries, (b) => parts.map((p, i) => (i === index ? b.toString("base64url") : p)).join("."), rng, name);
}

function handPicked(): Mutant[] {
  const good = rs512(claims());
  const [h, p, s] = good.split(".") as [string, string, string];
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  const cases: Array<[string, string]> = [
    ["empty credential", ""],
    ["one dot", "."],
    ["two dots", ".."],
    ["three dots", "..."],
    ["four segments", `${h}.${p}.${s}.${s}`],
    ["header twice", `${h}.${h}.${p}.${s}`],
    ["segments swapped", `${p}.${h}.${s}`],
    ["signature empty", `${h}.${p}.`],
    ["padded segments", `${h}=.${p}==.${s}=`],
    ["standard base64 alphabet", good.replace(/-/g, "+").replace(/_/g, "/")],
    ["header not JSON", `${b64("{alg")}.${p}.${s}`],
    ["header a JSON array", `${b64("[]")}.${p}.${s}`],
    ["header JSON null", `${b64("null")}.${p}.${s}`],
    ["header a number", `${b64("1e400")}.${p}.${s}`],
    ["header nested 5,000 deep", `${b64(`{"alg":"RS512","x":${deep(5000)}}`)}.${p}.${s}`],
    ["claims nested 3,000 deep", `${h}.${b64(`{"username":"alice","time":${T},"nonce":"d","x":${deep(3000)}}`)}.${s}`],
    ["header with duplicate alg keys", `${b64('{"alg":"none","alg":"RS512","kid":"' + rsaKid + '"}')}.${p}.${s}`],
    ["header with a __proto__ key", `${b64('{"__proto__":{"alg":"RS512"},"kid":"' + rsaKid + '"}')}.${p}.${s}`],
    ["header with a lone surrogate", `${b64('{"alg":"RS512\\ud800"}')}.${p}.${s}`],
    ["header invalid UTF-8", `${Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString("base64url")}.${p}.${s}`],
    ["alg lower-case", rs512(claims(), { alg: "rs512" })],
    ["alg with trailing space", rs512(claims(), { alg: "RS512 " })],
    ["alg null", rs512(claims(), { alg: null })],
    ["alg object", rs512(claims(), { alg: { toString: "RS512" } })],
    ["alg 5 KB", rs512(claims(), { alg: "R".repeat(5000) })],
    ["username __proto__", rs512(claims({ username: "__proto__" }))],
    ["username constructor", rs512(claims({ username: "constructor" }))],
    ["username hasOwnProperty", rs512(claims({ username: "hasOwnProperty" }))],
    ["username Cyrillic look-alike", rs512(claims({ username: "аlice" }))],
    ["username with NUL", rs512(claims({ username: "alice\u0000" }))],
    ["username 5 KB", rs512(claims({ username: "a".repeat(5000) }))],
    ["username array", rs512(claims({ username: ["alice"] }))],
    ["username object", rs512(claims({ username: { $ne: null } }))],
    ["username true", rs512(claims({ username: true }))],
    ["time string", rs512(claims({ time: String(T) }))],
    ["time 1e308", rs512(claims({ time: 1e308 }))],
    ["time negative", rs512(claims({ time: -T }))],
    ["time array", rs512(claims({ time: [T] }))],
    ["time null", rs512(claims({ time: null }))],
    ["time far future", rs512(claims({ time: 2 ** 53 }))],
    ["nonce empty", rs512(claims({ nonce: "" }))],
    ["nonce object", rs512(claims({ nonce: { a: 1 } }))],
    ["nonce 5 KB", rs512(claims({ nonce: "n".repeat(5000) }))],
    ["exp in the past", rs512(claims({ exp: T - 100 }))],
    ["exp a string", rs512(claims({ exp: "never" }))],
    ["nbf in the future", rs512(claims({ nbf: T + 1000 }))],
    ["aud an object", rs512(claims({ aud: { x: 1 } }))],
    ["alg none", forgeJwt({ header: { alg: "none" }, claims: claims(), sign: signWith.none() })],
    ["HS256 keyed with the public key", forgeJwt({ header: { alg: "HS256", kid: rsaKid }, claims: claims(), sign: signWith.hmac(spkiPem(rsa)) })],
    ["EdDSA signature on an RSA kid", forgeJwt({ header: { alg: "EdDSA", kid: rsaKid }, claims: claims(), sign: signWith.ed25519(ed) })],
    ["RS512 signature of 1 byte", `${h}.${p}.AA`],
    ["RS512 signature of 4 KB", `${h}.${p}.${Buffer.alloc(4096, 0xff).toString("base64url")}`],
    ["EdDSA signature of 63 bytes", forgeJwt({ header: { alg: "EdDSA" }, claims: claims(), sign: () => Buffer.alloc(63) })],
    [
      "EdDSA small-order forgery 01‖00×63",
      forgeJwt({ header: { alg: "EdDSA" }, claims: claims(), sign: () => Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]) }),
    ],
    ["token of 8 KB + 1", `${h}.${p}.${"A".repeat(8 * 1024 - h.length - p.length - 1)}`],
    ["token of 15 KB", `${h}.${p}.${"A".repeat(15 * 1024)}`],
  ];
  return cases.map(([label, value]) => ({ label, value }));
}

/**
 * Tokens honestly signed by alice's key with an odd kid or claim. A kid that names no stored
 * key is refused (the kid names the only key tried), and so is a non-numeric iat (PyJWT's rule);
 * an empty kid and a fractional time are the scheme's policy either way. None may reach the
 * database as an error.
 */
function signedVariants(): (Mutant & { refused: boolean })[] {
  const cases: Array<[string, string, boolean]> = [
    ["kid of 5,500 hex chars", rs512(claims(), { kid: "a".repeat(5500) }), true],
    ["kid upper-case hex", rs512(claims(), { kid: rsaKid.toUpperCase() }), true],
    ["kid with a path", rs512(claims(), { kid: "../../etc/passwd" }), true],
    ["kid __proto__", rs512(claims(), { kid: "__proto__" }), true],
    ["kid constructor", rs512(claims(), { kid: "constructor" }), true],
    ["kid empty", rs512(claims(), { kid: "" }), false],
    ["kid with NUL", rs512(claims(), { kid: `${rsaKid}\u0000` }), true],
    ["kid of another user's key format", rs512(claims(), { kid: "SHA256:abcdef" }), true],
    ["time fractional", rs512(claims({ time: T + 0.5 })), false],
    ["iat non-numeric", rs512(claims({ iat: "yesterday" })), true],
  ];
  return cases.map(([label, value, refused]) => ({ label, value, refused }));
}

// Stays on the databases: the hostile values go into their event log, and the last cases
// check that no batch was poisoned by one (PostgreSQL stores no NUL, for one).
describe.each(databaseKinds)("hostile JWTs on %s", (kind) => {
  let t: TestServer;
  let verdicts: Verdicts;
  beforeAll(async () => {
    // The parsers are under test, not the per-username failure throttle (test/schemes/failure-throttle.test.ts):
    // hundreds of junk credentials naming alice would otherwise make the honest request after them a 429.
    t = await startTestServer(kind, { startAt: T * 1000, failureThrottle: false });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
    await t.store.directory.addKey("alice", spkiPem(ed));
    await t.store.directory.addUser("bob");
    verdicts = new Verdicts();
  });
  afterAll(async () => {
    verdicts.close();
    await t.close();
  });

  const send = (authorization: string, path = "/whoami") => rawRequest(t.url, { path, headers: [["Authorization", authorization]] });

  it("accepts the honest tokens the mutants come from", async () => {
    expect((await send(`JWT ${rs512(claims())}`)).status).toBe(200);
    expect((await send(jwtFor("alice", ed, { time: T }))).status).toBe(200);
  });

  /** Sends each mutant; a 200 is a problem unless the mutant is the original token in disguise. */
  async function judge(mutants: Mutant[], original: string, prefix = "JWT ") {
    await eachLimited(mutants, 2, async (m) => {
      const value = `${prefix}${m.value}`;
      const r = await send(value);
      // The scheme word is case-insensitive and any run of blanks separates it (RFC 9110).
      const sameToken = r.status === 200 && /^jwt[ \t]+(\S+)$/i.exec(value.trim())?.[1] === original;
      verdicts.note(m.label, sameToken ? null : Verdicts.jsonRefusal(r, { codes: authErrorCodes, wire: wireOnly(value) }));
    });
  }

  it("refuses ≥ 50 mutants of each token, every segment, cleanly", async () => {
    const rng = seededRandom(0x11);
    for (const make of [() => rs512(claims()), () => jwtFor("alice", ed, { time: T }).slice(4)]) {
      const original = make();
      const before = verdicts.count;
      await judge(sampleFor(kind, textMutants(original, dotBoundaries(original), rng, "jws")), original);
      for (const segment of [0, 1, 2]) await judge(sampleFor(kind, segmentMutants(original, segment, rng)), original);
      expect(verdicts.count - before).toBeGreaterThanOrEqual(kind === "sqlite" ? 50 : 17);
    }
  });

  it("refuses mutants of the whole header value, the scheme word included", async () => {
    const rng = seededRandom(0x12);
    const original = rs512(claims());
    const header = `JWT ${original}`;
    const mutants = [
      ...sampleFor(kind, textMutants(header, [3, 4], rng, "header")),
      ...["jwt", "Jwt", "JWT\t", "JWT  ", "JWT:", "JWS", "Bearer", "Basic", "chap:", "SSHAuth", "JWT JWT"].map((word) => ({
        label: `scheme word ${JSON.stringify(word)}`,
        value: `${word} ${original}`,
      })),
    ];
    await judge(mutants, original, "");
  });

  it("refuses hand-picked tokens: structure, header, claims, algorithms, sizes", async () => {
    await judge(handPicked(), "");
  });

  it("answers honestly signed tokens with odd kids and claims without a 5xx, refusing kids that name no key", async () => {
    for (const m of signedVariants()) {
      const r = await send(`JWT ${m.value}`);
      verdicts.note(m.label, r.status === 200 && !m.refused ? Verdicts.basic(r) : Verdicts.jsonRefusal(r, { codes: authErrorCodes }));
    }
  });

  it("answers the console's JWT sign-in the same way", async () => {
    // It parses the same header behind its own rate limit, so 429s come soon: still a refusal.
    for (const m of handPicked().slice(0, 20)) {
      const r = await send(`JWT ${m.value}`, "/admin/api/login/jwt");
      verdicts.note(`console sign-in: ${m.label}`, Verdicts.jsonRefusal(r, { wire: wireOnly(m.value) }));
    }
  });

  it("refuses odd headers: several Authorization headers, empty, huge, and obs-text", async () => {
    const good = rs512(claims());
    const cases: Array<[string, Array<[string, string]>]> = [
      [
        "a junk Authorization header, then a good one",
        [
          ["Authorization", "JWT a.b.c"],
          ["Authorization", `JWT ${good}`],
        ],
      ],
      [
        "an empty and a good one",
        [
          ["Authorization", ""],
          ["Authorization", `JWT ${good}`],
        ],
      ],
      ["empty", [["Authorization", ""]]],
      ["spaces only", [["Authorization", "    "]]],
      ["obs-text bytes", [["Authorization", `JWT ${good}\u00ff\u00fe`]]],
      ["15 KB of A", [["Authorization", `JWT ${"A".repeat(15 * 1024)}`]]],
      ["17 KB of A (over the header limit)", [["Authorization", `JWT ${"A".repeat(17 * 1024)}`]]],
      ["100 KB header", [["Authorization", `JWT ${"A".repeat(100 * 1024)}`]]],
    ];
    for (const [label, headers] of cases) {
      const r = await rawRequest(t.url, { path: "/whoami", headers });
      verdicts.note(label, Verdicts.jsonRefusal(r, { codes: authErrorCodes, wire: headers.some(([, v]) => wireOnly(v)) }));
    }
  });

  it("still writes the event log afterwards: no hostile claim poisons an event batch", async () => {
    await expectHonestRequestLogged(t, `JWT ${rs512(claims())}`, `after-hostile-${kind}`);
    // The hostile claims were logged too, as far as the database can hold them.
    const prisma = t.store.database.prisma;
    expect(await prisma.authEvent.count({ where: { outcome: "failure" } })).toBeGreaterThan(100);
    expect(await prisma.authEvent.count({ where: { username: kind === "postgresql" ? "alice\ufffd" : "alice\u0000" } })).toBeGreaterThan(0);
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(kind === "sqlite" ? 300 : 150);
    console.log(`hostile JWTs on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`);
  });
});
