// Hostile sshauth tokens (`Authorization: Bearer …` and `SSHAuth …`) against the demo app on
// every database: mutations of valid Ed25519 and ECDSA P-256 tokens at every postcard field
// boundary (truncations, lying bytes, bit flips), text mutations, and hand-made postcard with
// huge lengths, varint overflow and unknown tags. Every one is refused with a 4xx and a JSON
// error code within a second; a mutant may pass only if it is its token plus ignored bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner } from "../../strategy/client/index.js";
import type { Signer } from "../../strategy/client/signer.js";
import { authErrorCodes } from "../../strategy/errors.js";
import { signSshauthToken } from "../../strategy/schemes/sshauth/sign.js";
import { databaseKinds } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { spkiPem } from "../support/tokens.js";
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
const edKey = freshKeyPair("ed25519").privateKey;
const ecKey = freshKeyPair("ec", { namedCurve: "P-256" }).privateKey;
const pkcs8 = (key: typeof edKey) => ({ text: key.export({ type: "pkcs8", format: "pem" }) as string });

const varint = (n: bigint | number): Buffer => {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return Buffer.from(out);
};
const b64 = (b: Buffer) => b.toString("base64url");

/** Offsets where each postcard field of a Token::V1 starts (the layout is in token-codec.ts). */
function fieldStarts(raw: Buffer): number[] {
  const starts: number[] = [0];
  let at = 1;
  const readVarint = () => {
    while (raw[at]! & 0x80) at++;
    at++;
  };
  starts.push(at); // identity option
  if (raw[at++] === 1) {
    starts.push(at); // identity kind
    at++;
    starts.push(at); // identity length
    const lengthAt = at;
    readVarint();
    const length = raw[lengthAt]!; // short identities only: one varint byte
    starts.push(at);
    at += length;
  }
  starts.push(at); // fingerprint option
  if (raw[at++] === 1) {
    starts.push(at, at + 1);
    at += 33;
  }
  starts.push(at); // timestamp
  readVarint();
  starts.push(at); // algorithm
  readVarint();
  starts.push(at); // signature length
  readVarint();
  starts.push(at, raw.length); // signature data, end
  return starts;
}

/** Postcard built by hand: the header of a V1 token with identity "alice", then whatever follows. */
function handMade(): Mutant[] {
  const head = Buffer.concat([Buffer.from([0, 1, 0]), varint(5), Buffer.from("alice")]);
  const fp = Buffer.concat([Buffer.from([1, 0]), Buffer.alloc(32, 7)]);
  const ts = varint(T);
  const sig = Buffer.concat([varint(64), Buffer.alloc(64, 1)]);
  const rest = (alg: number) => Buffer.concat([ts, varint(alg), sig]);
  const tokens: Array<[string, Buffer]> = [
    ["version 1", Buffer.concat([Buffer.from([1]), head.subarray(1), Buffer.from([0]), rest(1)])],
    ["version as a 10-byte varint", Buffer.concat([Buffer.alloc(9, 0x80), Buffer.from([0x01]), head.subarray(1), Buffer.from([0]), rest(1)])],
    ["version varint that never ends", Buffer.alloc(40, 0xff)],
    ["identity option tag 2", Buffer.concat([Buffer.from([0, 2]), rest(1)])],
    ["identity option tag 0xff", Buffer.concat([Buffer.from([0, 0xff]), rest(1)])],
    ["identity kind 1", Buffer.concat([Buffer.from([0, 1, 1]), varint(5), Buffer.from("alice"), Buffer.from([0]), rest(1)])],
    ["identity length 2^32", Buffer.concat([Buffer.from([0, 1, 0]), varint(2n ** 32n), Buffer.from("alice")])],
    ["identity length 2^63", Buffer.concat([Buffer.from([0, 1, 0]), varint(2n ** 63n), Buffer.from("alice")])],
    ["identity length 1,000 with 5 bytes", Buffer.concat([Buffer.from([0, 1, 0]), varint(1000), Buffer.from("alice")])],
    ["identity length varint overflow (11 bytes)", Buffer.concat([Buffer.from([0, 1, 0]), Buffer.alloc(10, 0xff), Buffer.from([1]), Buffer.from("alice")])],
    ["identity invalid UTF-8", Buffer.concat([Buffer.from([0, 1, 0]), varint(4), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from([0]), rest(1)])],
    ["identity of one char", Buffer.concat([Buffer.from([0, 1, 0]), varint(1), Buffer.from("a"), Buffer.from([0]), rest(1)])],
    ["identity ../etc", Buffer.concat([Buffer.from([0, 1, 0]), varint(6), Buffer.from("../etc"), Buffer.from([0]), rest(1)])],
    ["identity __proto__ with no key", Buffer.concat([Buffer.from([0, 1, 0]), varint(9), Buffer.from("__proto__"), Buffer.from([0]), rest(1)])],
    ["identity constructor with no key", Buffer.concat([Buffer.from([0, 1, 0]), varint(11), Buffer.from("constructor"), Buffer.from([0]), rest(1)])],
    ["identity with NUL", Buffer.concat([Buffer.from([0, 1, 0]), varint(6), Buffer.from("alice\u0000"), Buffer.from([0]), rest(1)])],
    ["identity of 3,000 chars", Buffer.concat([Buffer.from([0, 1, 0]), varint(3000), Buffer.alloc(3000, 0x61), Buffer.from([0]), rest(1)])],
    ["no identity and no fingerprint", Buffer.concat([Buffer.from([0, 0, 0]), rest(1)])],
    ["fingerprint kind 1", Buffer.concat([head, Buffer.from([1, 1]), Buffer.alloc(32), rest(1)])],
    ["fingerprint of an unknown key", Buffer.concat([head, fp, rest(1)])],
    ["fingerprint cut at 31 bytes", Buffer.concat([head, fp.subarray(0, 33)])],
    ["timestamp 2^64 - 1", Buffer.concat([head, Buffer.from([0]), varint(2n ** 64n - 1n), varint(1), sig])],
    ["timestamp 2^64 (overflows u64)", Buffer.concat([head, Buffer.from([0]), varint(2n ** 64n), varint(1), sig])],
    ["timestamp as 11 varint bytes", Buffer.concat([head, Buffer.from([0]), Buffer.alloc(10, 0xff), Buffer.from([0x7f]), varint(1), sig])],
    ["timestamp 0", Buffer.concat([head, Buffer.from([0]), varint(0), varint(1), sig])],
    ["algorithm 2", Buffer.concat([head, Buffer.from([0]), ts, varint(2), sig])],
    ["algorithm 2^31", Buffer.concat([head, Buffer.from([0]), ts, varint(2 ** 31), sig])],
    ["algorithm 2^33 (overflows u32)", Buffer.concat([head, Buffer.from([0]), ts, varint(2 ** 33), sig])],
    ["signature length 2^32", Buffer.concat([head, Buffer.from([0]), ts, varint(1), varint(2n ** 32n), Buffer.alloc(64)])],
    ["signature length 65 with 64 bytes", Buffer.concat([head, Buffer.from([0]), ts, varint(1), varint(65), Buffer.alloc(64)])],
    ["signature of 0 bytes", Buffer.concat([head, Buffer.from([0]), ts, varint(1), varint(0)])],
    ["Ed25519 signature of 63 bytes", Buffer.concat([head, Buffer.from([0]), ts, varint(1), varint(63), Buffer.alloc(63, 1)])],
    ["Ed25519 signature of 2,000 bytes", Buffer.concat([head, Buffer.from([0]), ts, varint(1), varint(2000), Buffer.alloc(2000, 1)])],
    ["Ed25519 small-order forgery 01‖00×63", Buffer.concat([head, Buffer.from([0]), ts, varint(1), varint(64), Buffer.from([1]), Buffer.alloc(63)])],
    ["ECDSA mpint length 2^32 - 1", Buffer.concat([head, Buffer.from([0]), ts, varint(0), varint(8), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])])],
    ["ECDSA one mpint only", Buffer.concat([head, Buffer.from([0]), ts, varint(0), varint(36), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 1)])],
    [
      "ECDSA negative r",
      Buffer.concat([
        head,
        Buffer.from([0]),
        ts,
        varint(0),
        varint(72),
        Buffer.from([0, 0, 0, 32]),
        Buffer.alloc(32, 0xff),
        Buffer.from([0, 0, 0, 32]),
        Buffer.alloc(32, 1),
      ]),
    ],
    ["ECDSA r = 0 and s = 0", Buffer.concat([head, Buffer.from([0]), ts, varint(0), varint(10), Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 1, 0])])],
    [
      "ECDSA r of 33 bytes with a redundant zero",
      Buffer.concat([
        head,
        Buffer.from([0]),
        ts,
        varint(0),
        varint(74),
        Buffer.from([0, 0, 0, 33, 0]),
        Buffer.alloc(32, 1),
        Buffer.from([0, 0, 0, 33, 0]),
        Buffer.alloc(32, 1),
      ]),
    ],
    [
      "ECDSA mpints of 2 KB",
      Buffer.concat([
        head,
        Buffer.from([0]),
        ts,
        varint(0),
        varint(2056),
        Buffer.from([0, 0, 4, 0]),
        Buffer.alloc(1024, 1),
        Buffer.from([0, 0, 4, 0]),
        Buffer.alloc(1024, 1),
      ]),
    ],
    ["one zero byte", Buffer.from([0])],
  ];
  const text: Array<[string, string]> = [
    ["padding", `${b64(tokens[0]![1])}==`],
    ["standard base64 alphabet", "++//AAAA"],
    ["a JWS (dots)", "a.b.c"],
    ["percent-encoded", "%00%01"],
    ["4,096 chars of A", "A".repeat(4096)],
    ["4,097 chars of A", "A".repeat(4097)],
    ["12 KB of A", "A".repeat(12 * 1024)],
    ["length not possible in base64 (5 chars)", "AAAAA"],
    ["non-canonical final char", "AAAB"],
  ];
  return [...tokens.map(([label, raw]) => ({ label, value: b64(raw) })), ...text.map(([label, value]) => ({ label, value }))];
}

// Stays on the databases: the hostile values go into their event log, and the last cases
// check that no batch was poisoned by one (PostgreSQL stores no NUL, for one).
describe.each(databaseKinds)("hostile sshauth tokens on %s", (kind) => {
  let t: TestServer;
  let ed: Signer;
  let ec: Signer;
  let verdicts: Verdicts;
  beforeAll(async () => {
    // The parsers are under test, not the per-username failure throttle (test/schemes/failure-throttle.test.ts):
    // hundreds of junk credentials naming alice would otherwise make the honest request after them a 429.
    t = await startTestServer(kind, { startAt: T * 1000, failureThrottle: false });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", spkiPem(edKey));
    await t.store.directory.addKey("alice", spkiPem(ecKey));
    ed = await loadKeyFileSigner(pkcs8(edKey));
    ec = await loadKeyFileSigner(pkcs8(ecKey));
    verdicts = new Verdicts();
  });
  afterAll(async () => {
    verdicts.close();
    await t.close();
  });

  const send = (authorization: string) => rawRequest(t.url, { path: "/whoami", headers: [["Authorization", authorization]] });
  const token = (signer: Signer, options: { identity?: string; includeFingerprint?: boolean } = { identity: "alice", includeFingerprint: true }) =>
    signSshauthToken({ signer, timestamp: T, ...options });

  it("accepts the honest tokens the mutants come from, in both header forms", async () => {
    expect((await send(`Bearer ${await token(ed)}`)).status).toBe(200);
    expect((await send(`SSHAuth ${await token(ec, { identity: "alice" })}`)).status).toBe(200);
  });

  /** A 200 is a problem unless the mutant decodes to the original token plus bytes sshauth ignores. */
  async function judge(mutants: Mutant[], originalRaw: Buffer | null, word = "Bearer") {
    await eachLimited(mutants, 2, async (m) => {
      const value = `${word} ${m.value}`;
      const r = await send(value);
      const raw = Buffer.from(
        value
          .trim()
          .split(/[ \t]+/)
          .pop() ?? "",
        "base64url",
      );
      const sameToken = r.status === 200 && originalRaw !== null && raw.subarray(0, originalRaw.length).equals(originalRaw);
      verdicts.note(`${word} ${m.label}`, sameToken ? null : Verdicts.jsonRefusal(r, { codes: authErrorCodes, wire: wireOnly(value) }));
    });
  }

  it("refuses ≥ 50 mutants of each token at every postcard field boundary", async () => {
    const rng = seededRandom(0x55);
    const shapes: Array<[string, () => Promise<string>]> = [
      ["ed25519 identity+fingerprint", () => token(ed)],
      ["ed25519 fingerprint only", () => token(ed, { includeFingerprint: true })],
      ["p256 identity only", () => token(ec, { identity: "alice" })],
    ];
    for (const [name, make] of shapes) {
      const text = await make();
      const raw = Buffer.from(text, "base64url");
      const before = verdicts.count;
      await judge(sampleFor(kind, byteMutants(raw, fieldStarts(raw), b64, rng, name)), raw);
      await judge(sampleFor(kind, textMutants(text, [], rng, name)), raw, "SSHAuth");
      expect(verdicts.count - before).toBeGreaterThanOrEqual(kind === "sqlite" ? 50 : 17);
    }
  });

  it("refuses hand-made postcard: huge lengths, varint overflow, unknown tags, bad signatures", async () => {
    await judge(handMade(), null);
    await judge(handMade(), null, "SSHAuth");
  });

  it("refuses mutants of the whole header value, the scheme word included", async () => {
    const rng = seededRandom(0x56);
    const text = await token(ed);
    await judge(sampleFor(kind, textMutants(`Bearer ${text}`, [6, 7], rng, "header")), Buffer.from(text, "base64url"), "");
    const words = ["bearer", "BEARER", "Bearer\t", "Bearer  ", "Bearer:", "SSHAUTH", "sshauth", "SSH-Auth", "Bearer Bearer", "JWT", "chap:"];
    const other = await token(ed);
    await judge(
      words.map((word) => ({ label: `scheme word ${JSON.stringify(word)}`, value: `${word} ${other}` })),
      Buffer.from(other, "base64url"),
      "",
    );
  });

  it("still writes the event log afterwards: no hostile input poisons an event batch", async () => {
    // A second the mutants did not use: the replay id covers the signed message, time included.
    const token = await signSshauthToken({ signer: ed, identity: "alice", timestamp: T + 1 });
    await expectHonestRequestLogged(t, `Bearer ${token}`, `after-hostile-${kind}`);
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(kind === "sqlite" ? 300 : 150);
    console.log(`hostile sshauth tokens on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`);
  });
});
