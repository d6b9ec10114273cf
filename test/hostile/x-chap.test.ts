// Hostile `X-CHAP` messages on /_auth against the demo app on every database: requests and
// responses mutated at every msgpack field boundary (truncation, lying bytes, bit flips),
// text mutations, and hand-made messages with lying lengths, wrong versions, magics and types,
// nested messages and foreign challenges. Each answer is a challenge (for a request that is
// still well formed), or the protocol's 403 with the precise code in X-Sshkey-Error, within a
// second; a response earns a token only if it decodes to the one the client signed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authErrorCodes } from "../../strategy/errors.js";
import { createRequest } from "../../strategy/schemes/crtauth/client.js";
import { hmac } from "../../strategy/schemes/crtauth/mac.js";
import { databaseKinds } from "../support/databases.js";
import { expectHonestSignInLogged, mp, msgpackStarts, startCrtauthServer, type CrtauthServer } from "./crtauth-support.js";
import { byteMutants, eachLimited, rawRequest, sampleFor, seededRandom, textMutants, Verdicts, wireOnly, type Mutant, type RawResponse } from "./support.js";

const b64 = (b: Buffer) => b.toString("base64url");
const request = (username: Buffer) => Buffer.concat([Buffer.from([0x01, 0x71]), username]);

function handMadeRequests(): Mutant[] {
  const cases: Array<[string, Buffer]> = [
    ["version 0", Buffer.concat([Buffer.from([0x00, 0x71]), mp.str("alice")])],
    ["version 2 (newer, read as 1)", Buffer.concat([Buffer.from([0x02, 0x71]), mp.str("alice"), mp.str("extra")])],
    ["version 0xff", Buffer.concat([Buffer.from([0xff, 0x71]), mp.str("alice")])],
    ["version as uint32", Buffer.concat([mp.uint32(1), Buffer.from([0x71]), mp.str("alice")])],
    ["legacy v0 ('v' first)", Buffer.concat([Buffer.from("v"), mp.str("alice")])],
    ["magic of a response", Buffer.concat([Buffer.from([0x01, 0x72]), mp.str("alice")])],
    ["magic 0x00", Buffer.concat([Buffer.from([0x01, 0x00]), mp.str("alice")])],
    ["username str8 claiming 255 bytes, 5 sent", Buffer.concat([Buffer.from([0x01, 0x71, 0xd9, 0xff]), Buffer.from("alice")])],
    ["username str32 claiming 4 GB", Buffer.concat([Buffer.from([0x01, 0x71]), mp.claims(0xdb, 0xffffffff), Buffer.from("alice")])],
    ["username bin32 claiming 4 GB", Buffer.concat([Buffer.from([0x01, 0x71]), mp.claims(0xc6, 0xffffffff), Buffer.from("alice")])],
    ["username array32 claiming 2^32 items", Buffer.concat([Buffer.from([0x01, 0x71]), mp.claims(0xdd, 0xffffffff)])],
    ["username map32 claiming 2^32 entries", Buffer.concat([Buffer.from([0x01, 0x71]), mp.claims(0xdf, 0xffffffff)])],
    ["username as bin", request(mp.bin(Buffer.from("alice")))],
    ["username as an integer", request(mp.uint32(42))],
    ["username nil", request(Buffer.from([0xc0]))],
    ["username true", request(Buffer.from([0xc3]))],
    ["username float64", request(Buffer.from([0xcb, 0, 0, 0, 0, 0, 0, 0, 0]))],
    ["username ext", request(Buffer.from([0xd4, 0x01, 0x00]))],
    ["reserved tag 0xc1", request(Buffer.from([0xc1]))],
    ["username empty", request(mp.str(""))],
    ["username of 65 chars", request(mp.str("a".repeat(65)))],
    ["username of 257 bytes", request(mp.str("é".repeat(128) + "a"))],
    ["username of 8 KB", request(mp.str("a".repeat(5000)))],
    ["username with NUL", request(mp.str("alice\u0000"))],
    ["username with ESC", request(mp.str("\u001b]0;pwn\u0007"))],
    ["username with C1 control", request(mp.str("alice\u0085"))],
    ["username invalid UTF-8", request(mp.str(Buffer.from([0xff, 0xfe, 0x41])))],
    ["username lone surrogate (CESU-8)", request(mp.str(Buffer.from([0xed, 0xa0, 0x80])))],
    ["trailing bytes after a v1 request", Buffer.concat([request(mp.str("alice")), Buffer.from([0x00])])],
    ["two usernames", Buffer.concat([request(mp.str("alice")), mp.str("root")])],
    ["only the version", Buffer.from([0x01])],
    ["empty", Buffer.alloc(0)],
  ];
  return cases.map(([label, raw]) => ({ label, value: `request:${b64(raw)}` }));
}

function handMadeResponses(challenge: Buffer, signature: Buffer): Mutant[] {
  const response = (c: Buffer, s: Buffer) => Buffer.concat([Buffer.from([0x01, 0x72]), mp.bin(c), mp.bin(s)]);
  const starts = msgpackStarts(challenge);
  const serverNameAt = starts[6]!;
  const remac = (body: Buffer, secret: string) => Buffer.concat([body, mp.bin(hmac("sha256", Buffer.from(secret), body))]);
  const body = challenge.subarray(0, starts[starts.length - 1]!);
  const otherName = Buffer.concat([body.subarray(0, serverNameAt), mp.str("evil.example"), body.subarray(starts[7]!)]);
  const cases: Array<[string, Buffer]> = [
    ["signature empty", response(challenge, Buffer.alloc(0))],
    ["signature of one byte", response(challenge, Buffer.from([1]))],
    ["signature of 2,049 bytes", response(challenge, Buffer.alloc(2049, 1))],
    ["signature all 0xff", response(challenge, Buffer.alloc(256, 0xff))],
    ["signature all zero", response(challenge, Buffer.alloc(256))],
    ["signature one bit off", response(challenge, Buffer.from(signature.map((b, i) => (i === 100 ? b ^ 1 : b))))],
    ["signature with a leading zero", response(challenge, Buffer.concat([Buffer.from([0]), signature]))],
    ["challenge re-MAC'd under another secret", response(remac(body, "another secret"), signature)],
    ["challenge for another server, other secret", response(remac(otherName, "another secret"), signature)],
    ["challenge HMAC cut to 31 bytes", response(Buffer.concat([body, mp.bin(Buffer.alloc(31))]), signature)],
    ["challenge without HMAC", response(body, signature)],
    ["challenge of 1,025 bytes", response(Buffer.alloc(1025, 0x01), signature)],
    ["challenge that is a response", response(response(challenge, signature), signature)],
    ["challenge that is a request", response(request(mp.str("alice")), signature)],
    ["challenge that is empty", response(Buffer.alloc(0), signature)],
    ["challenge bin32 claiming 4 GB", Buffer.concat([Buffer.from([0x01, 0x72]), mp.claims(0xc6, 0xffffffff), challenge])],
    ["signature bin32 claiming 4 GB", Buffer.concat([Buffer.from([0x01, 0x72]), mp.bin(challenge), mp.claims(0xc6, 0xffffffff), signature])],
    ["challenge as str", Buffer.concat([Buffer.from([0x01, 0x72]), mp.str(challenge), mp.bin(signature)])],
    ["signature as an integer", Buffer.concat([Buffer.from([0x01, 0x72]), mp.bin(challenge), mp.uint32(1)])],
    ["version 0 response", Buffer.concat([Buffer.from([0x00, 0x72]), mp.bin(challenge), mp.bin(signature)])],
    ["version 2 response", Buffer.concat([Buffer.from([0x02, 0x72]), mp.bin(challenge), mp.bin(signature)])],
    ["magic of a token", Buffer.concat([Buffer.from([0x01, 0x74]), mp.bin(challenge), mp.bin(signature)])],
    ["legacy v0 ('v' first)", Buffer.concat([Buffer.from("v"), mp.bin(challenge), mp.bin(signature)])],
    ["trailing bytes", Buffer.concat([response(challenge, signature), Buffer.from([0xc0])])],
    [
      "challenge with times as uint64 max",
      response(
        remac(Buffer.concat([body.subarray(0, starts[3]!), mp.uint64(2n ** 64n - 1n), mp.uint64(2n ** 64n - 1n), body.subarray(starts[5]!)]), "x"),
        signature,
      ),
    ],
  ];
  const out = cases.map(([label, raw]) => ({ label, value: `response:${b64(raw)}` }));
  out.push({ label: "response of 8 KB text", value: `response:${"A".repeat(8193)}` });
  return out;
}

// Stays on the databases: the hostile values go into their event log, and the last cases
// check that no batch was poisoned by one (PostgreSQL stores no NUL, for one).
describe.each(databaseKinds)("hostile X-CHAP messages on %s", (kind) => {
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

  /** The protocol's answers: a challenge, a token only for `tokenFor`, or 403 with a known code. */
  function verdict(r: RawResponse, value: string, tokenFor: Buffer | null): string | null {
    const basic = Verdicts.basic(r);
    if (basic) return basic;
    const chap = r.headers["x-chap"] ?? "";
    if (r.status === 200 && chap.startsWith("challenge:")) return null;
    if (r.status === 200 && chap.startsWith("token:")) {
      const sent = Buffer.from(value.slice(value.indexOf(":") + 1).trim(), "base64url");
      return tokenFor !== null && sent.equals(tokenFor) ? null : "a mutated response earned a token";
    }
    if (wireOnly(value) && r.status === 400 && r.headers["x-sshkey-error"] === undefined) return null;
    if (r.status !== 403) return `status ${r.status} (x-chap ${chap}), expected a challenge or 403`;
    const code = r.headers["x-sshkey-error"];
    if (!code || !(authErrorCodes as readonly string[]).includes(code)) return `403 with X-Sshkey-Error ${String(code)}`;
    return null;
  }

  async function judge(mutants: Mutant[], tokenFor: Buffer | null = null, method = "GET") {
    await eachLimited(mutants, 2, async (m) => {
      const r = await c.chap(m.value, method);
      verdicts.note(`${method} ${m.label}`, verdict(r, m.value, tokenFor));
    });
  }

  it("answers the honest handshake, so the refusals below are about what the mutants change", async () => {
    expect(await c.token()).toMatch(/^[\w-]+$/);
  });

  it("answers ≥ 50 mutants of a request at every msgpack field boundary", async () => {
    const rng = seededRandom(0xa1);
    const raw = Buffer.from(createRequest("alice"), "base64url");
    const before = verdicts.count;
    const bytes = byteMutants(raw, msgpackStarts(raw), b64, rng, "request").map((m) => ({ ...m, value: `request:${m.value}` }));
    await judge(sampleFor(kind, bytes));
    await judge(sampleFor(kind, textMutants(`request:${createRequest("alice")}`, [7, 8], rng, "request text")));
    expect(verdicts.count - before).toBeGreaterThanOrEqual(kind === "sqlite" ? 50 : 17);
  });

  it("answers hand-made requests: lying lengths, wrong versions, magics, types and names", async () => {
    await judge(handMadeRequests());
  });

  it("refuses ≥ 50 mutants of a signed response at every msgpack field boundary", async () => {
    const rng = seededRandom(0xa2);
    const text = await c.signedResponse();
    const raw = Buffer.from(text, "base64url");
    const before = verdicts.count;
    const bytes = byteMutants(raw, msgpackStarts(raw), b64, rng, "response").map((m) => ({ ...m, value: `response:${m.value}` }));
    await judge(sampleFor(kind, bytes), raw);
    await judge(sampleFor(kind, textMutants(`response:${text}`, [8, 9], rng, "response text")), raw);
    expect(verdicts.count - before).toBeGreaterThanOrEqual(kind === "sqlite" ? 50 : 17);
  });

  it("refuses hand-made responses: foreign, nested and lying challenges, bad signatures", async () => {
    const raw = Buffer.from(await c.signedResponse(), "base64url");
    const starts = msgpackStarts(raw);
    // A response is 01 72 bin(challenge) bin(signature): unwrap both.
    const unwrap = (at: number) => {
      const tag = raw[at]!;
      const [size, skip] = tag === 0xc4 ? [raw[at + 1]!, 2] : [raw.readUInt16BE(at + 1), 3];
      return raw.subarray(at + skip, at + skip + size);
    };
    await judge(handMadeResponses(unwrap(starts[2]!), unwrap(starts[3]!)));
    // A stranger's (fake) challenge signed by alice's key.
    await judge([{ label: "alice's signature on a stranger's challenge", value: `response:${await c.signedResponse("mallory")}` }]);
  });

  it("refuses odd X-CHAP values and methods", async () => {
    const req = createRequest("alice");
    const values = [
      "",
      ":",
      "request",
      "request:",
      "request:   ",
      "Request:" + req,
      "request :" + req,
      "requests:" + req,
      "challenge:" + req,
      "token:" + req,
      "response:",
      "response:!!!",
      `request:${req}:${req}`,
      `request:${req}==`,
      `request:${"A".repeat(12 * 1024)}`,
    ];
    await judge(values.map((value) => ({ label: `X-CHAP ${JSON.stringify(value.slice(0, 40))}`, value })));
    // Two X-CHAP headers: Node joins them with ", ", so the value is no longer one message.
    const response = await c.signedResponse();
    for (const pair of [
      [`request:${req}`, `request:${createRequest("root")}`],
      [`response:${response}`, `response:${response}`],
      ["", `request:${req}`],
    ]) {
      const r = await rawRequest(c.t.url, { path: "/_auth", headers: pair.map((v) => ["X-CHAP", v] as [string, string]) });
      verdicts.note(`two X-CHAP headers ${pair.map((v) => v.slice(0, 12)).join(" + ")}`, verdict(r, pair.join(", "), null));
    }
    for (const method of ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      await judge(handMadeRequests().slice(0, 8), null, method);
    }
  });

  it("still writes the event log afterwards: no hostile input poisons an event batch", async () => {
    await expectHonestSignInLogged(c, `after-hostile-${kind}`);
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(kind === "sqlite" ? 250 : 120);
    console.log(`hostile X-CHAP messages on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`);
  });
});
