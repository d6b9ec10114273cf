// Candidate keys per credential (issue 11, H-2): a credential that names its key is checked
// against that key alone; one that cannot is checked against at most 8 of its user's keys,
// so a junk credential costs the same whether the account holds 1 key or 50.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner } from "../../strategy/client/index.js";
import { parsePublicKey } from "../../strategy/keys/index.js";
import { maxCandidatesPerCredential } from "../../strategy/core/candidates.js";
import { signSshauthToken } from "../../strategy/schemes/sshauth/sign.js";
import { lastEventCode } from "../support/events.js";
import { forgeJwt } from "../support/forge-jwt.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson, startTestServer, type MemoryTestServer, type TestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { plausibleModulus, rsaLine } from "../keys/support/plausible-modulus.js";

const T = 1_900_000_000;

const signerFor = (key: crypto.KeyObject) => loadKeyFileSigner({ text: String(key.export({ type: "pkcs8", format: "pem" })) });

/** A JWT naming `username` whose RS512 signature is random: it costs a full RSA check per key tried. */
function junkJwt(username: string, modulusBytes: number, kid?: string): string {
  const header = kid ? { alg: "RS512", kid, typ: "JWT" } : { alg: "RS512", typ: "JWT" };
  const claims = { username, time: T, nonce: crypto.randomBytes(6).toString("hex") };
  return `JWT ${forgeJwt({
    header,
    claims,
    // Below every modulus of that size (top bit clear), so OpenSSL does the whole modexp.
    sign: () => {
      const s = crypto.randomBytes(modulusBytes);
      s[0] = (s[0] ?? 0) & 0x7f;
      return s;
    },
  })}`;
}

/** CPU time (user + system, µs) this process spends answering `requests` sequentially. */
async function cpuMicros(url: string, headers: () => Record<string, string>, requests: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const r = await getJson(url, headers());
    if (r.status !== 401) throw new Error(`expected 401, got ${r.status} ${JSON.stringify(r.body)}`);
  }
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

describe.each(["memory"] as const)("candidate keys per credential on %s", (kind) => {
  let t: MemoryTestServer;
  const ed = Array.from({ length: 9 }, () => freshKeyPair("ed25519").privateKey);

  beforeAll(async () => {
    // The throttle would stop the junk traffic below before the cap is measured.
    t = await startTestServer(kind, { startAt: T * 1000, failureThrottle: false, sshauth: { replayProtection: false } });
    await t.store.directory.addUser("nine");
    // Added oldest first: keys are tried newest first, so ed[0] is the 9th candidate.
    for (const [i, key] of ed.entries()) {
      await t.store.directory.addKey("nine", spkiPem(key), { comment: `k${i}` });
      t.clock.now += 1000;
    }
    t.clock.now = T * 1000;
  });
  afterAll(() => t?.close());

  it(`tries at most ${maxCandidatesPerCredential} keys for a JWT without kid; with its kid the same key verifies`, async () => {
    expect(maxCandidatesPerCredential).toBe(8);
    const ninth = await getJson(`${t.url}/whoami`, { authorization: jwtFor("nine", ed[0]!, { time: T }) });
    expect([ninth.status, ninth.body.error?.code, await lastEventCode(t.store)]).toEqual([401, "invalid_credentials", "bad_signature"]);
    const eighth = await getJson(`${t.url}/whoami`, { authorization: jwtFor("nine", ed[1]!, { time: T }) });
    expect(eighth.status).toBe(200);
    const kid = parsePublicKey(spkiPem(ed[0]!)).kid;
    const named = await getJson(`${t.url}/whoami`, { authorization: jwtFor("nine", ed[0]!, { time: T, kid }) });
    expect([named.status, named.body.username]).toEqual([200, "nine"]);
  });

  it("an sshauth token that carries a fingerprint is checked against that key alone", async () => {
    const signer = await signerFor(ed[3]!);
    const other = await signerFor(ed[4]!);
    const good = await signSshauthToken({ signer, identity: "nine", includeFingerprint: true, timestamp: T });
    expect((await getJson(`${t.url}/whoami`, { authorization: `Bearer ${good}` })).status).toBe(200);
    // Signed by ed[4] but naming ed[3]'s fingerprint: ed[4] is nine's too, yet never tried.
    const wrong = await signSshauthToken({
      signer: { publicKey: signer.publicKey, sign: (data) => other.sign(data), close: () => other.close() },
      identity: "nine",
      includeFingerprint: true,
      timestamp: T,
    });
    const r = await getJson(`${t.url}/whoami`, { authorization: `Bearer ${wrong}` });
    expect([r.status, r.body.error?.code, await lastEventCode(t.store)]).toEqual([401, "invalid_credentials", "bad_signature"]);
    // An unknown fingerprint does not fall back to the identity's keys.
    const stranger = await signSshauthToken({
      signer: await signerFor(freshKeyPair("ed25519").privateKey),
      identity: "nine",
      includeFingerprint: true,
      timestamp: T,
    });
    expect((await getJson(`${t.url}/whoami`, { authorization: `Bearer ${stranger}` })).body.error?.code).toBe("invalid_credentials");
    expect(await lastEventCode(t.store)).toBe("unknown_key");
  });
});

// Stays on SQLite: the ratios below are calibrated with its in-process lookup cost per request.
describe("the CPU cost of junk credentials does not grow with the keys a user holds", () => {
  let t: TestServer;
  const bits = 8192;
  let heavyKid: string;

  beforeAll(async () => {
    t = await startTestServer("sqlite", { startAt: T * 1000, failureThrottle: false });
    await t.store.directory.addUser("light");
    await t.store.directory.addUser("heavy");
    await t.store.directory.addKey("light", rsaLine(plausibleModulus(bits)));
    for (let i = 0; i < 50; i++) {
      const record = await t.store.directory.addKey("heavy", rsaLine(plausibleModulus(bits), `k${i}`));
      heavyKid = record.kid;
    }
    // Warm the key cache and the JIT so the first measured rounds are not the slow ones.
    await cpuMicros(`${t.url}/whoami`, () => ({ authorization: junkJwt("heavy", bits / 8) }), 5);
    await cpuMicros(`${t.url}/whoami`, () => ({ authorization: junkJwt("light", bits / 8) }), 5);
  }, 120_000);
  afterAll(() => t?.close());

  it(`50 RSA-${bits} keys cost at most ~8 checks per JWT without kid, 1 with a kid (ratios to a 1-key user)`, async () => {
    const requests = 30;
    const ratios: number[] = [];
    const kidRatios: number[] = [];
    // Interleaved rounds, median ratio: a busy neighbour slows both sides of a round alike.
    for (let round = 0; round < 5; round++) {
      const light = await cpuMicros(`${t.url}/whoami`, () => ({ authorization: junkJwt("light", bits / 8) }), requests);
      const heavy = await cpuMicros(`${t.url}/whoami`, () => ({ authorization: junkJwt("heavy", bits / 8) }), requests);
      const heavyKidOnly = await cpuMicros(`${t.url}/whoami`, () => ({ authorization: junkJwt("heavy", bits / 8, heavyKid) }), requests);
      ratios.push(heavy / light);
      kidRatios.push(heavyKidOnly / light);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Request overhead dominates one check: trying all 50 keys measured a ratio above 8
    // here, the cap of 8 keys about 1.6.
    expect(median(ratios)).toBeLessThan(4);
    expect(median(kidRatios)).toBeLessThan(2);
  });
});
