// Key rows the codec refuses today (issue 11, H-1: a small-order Ed25519 key stored before
// the check existed) are never tried at sign-in, whatever the scheme, and the console flags
// them. The rows are written straight into the database, bypassing the codec, as an old
// version (or a hand-edited database) would have left them.
import crypto, { createHash, createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintMd5, fingerprintSha256, keyId } from "../../../strategy/keys/index.js";
import { sshString } from "../../../strategy/keys/wire.js";
import { encodeSshauthToken } from "../../../strategy/schemes/sshauth/token-codec.js";
import type { PrismaStore } from "../../../strategy/store/prisma/store.js";
import { newKeyLine, request, signIn, startAdminServer, type AdminServer } from "../../admin/support.js";
import { databaseKinds } from "../../support/databases.js";
import { lastEventCode } from "../../support/events.js";
import { forgeJwt } from "../../support/forge-jwt.js";
import { getJson, startTestServer, type TestServer } from "../../support/server.js";

const IDENTITY_POINT = Buffer.from("0100000000000000000000000000000000000000000000000000000000000000", "hex");
const ORDER_8_POINT = Buffer.from("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", "hex");
/** R = the identity point, S = 0: verifies every message under the identity key in OpenSSL. */
const FIXED_SIGNATURE = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]);

/** Inserts an Ed25519 key row for `username` without going through the codec. */
async function insertRawEd25519(store: PrismaStore, username: string, point: Buffer) {
  const blob = Buffer.concat([sshString("ssh-ed25519"), sshString(point)]);
  const keyObject = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: point.toString("base64url") }, format: "jwk" });
  const user = await store.database.prisma.user.findUniqueOrThrow({ where: { username } });
  const row = await store.database.prisma.publicKey.create({
    data: {
      userId: user.id,
      type: "ssh-ed25519",
      bits: 256,
      openssh: `ssh-ed25519 ${blob.toString("base64")}`,
      fingerprintSha256: fingerprintSha256(blob),
      fingerprintMd5: fingerprintMd5(blob),
      kid: keyId(keyObject),
      comment: "stored before the weak-key check",
    },
  });
  // Other processes' caches (and this one's) learn of the row through the change feed.
  await store.changes.publish();
  return { row, blob };
}

/** Inserts an ECDSA P-256 row whose point is not on the curve (node:crypto cannot even import it). */
async function insertRawOffCurveEcdsa(store: PrismaStore, username: string) {
  const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]);
  const blob = Buffer.concat([sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(point)]);
  const user = await store.database.prisma.user.findUniqueOrThrow({ where: { username } });
  const row = await store.database.prisma.publicKey.create({
    data: {
      userId: user.id,
      type: "ecdsa-sha2-nistp256",
      bits: 256,
      openssh: `ecdsa-sha2-nistp256 ${blob.toString("base64")}`,
      fingerprintSha256: fingerprintSha256(blob),
      fingerprintMd5: fingerprintMd5(blob),
      kid: crypto.randomBytes(32).toString("hex"),
    },
  });
  await store.changes.publish();
  return { row, blob };
}

function forgedJwt(username: string, time: number, kid?: string): string {
  const header = kid ? { alg: "EdDSA", typ: "JWT", kid } : { alg: "EdDSA", typ: "JWT" };
  const claims = { username, time, nonce: crypto.randomBytes(8).toString("hex") };
  return `JWT ${forgeJwt({ header, claims, sign: () => FIXED_SIGNATURE })}`;
}

function forgedSshauth(identity: string | null, timestamp: number, blob: Buffer | null): string {
  const fingerprint = blob ? createHash("sha256").update(blob).digest() : null;
  const token = encodeSshauthToken({
    signed: { identity, fingerprint, timestamp: BigInt(timestamp) },
    algorithm: "ssh-ed25519",
    signatureData: FIXED_SIGNATURE,
  });
  return `Bearer ${token}`;
}

describe.each(databaseKinds)("stored small-order Ed25519 keys on %s", (kind) => {
  let t: TestServer;
  let blob: Buffer;
  let kid: string;
  const T = 1_900_000_000;

  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000, sshauth: { replayProtection: false } });
    await t.store.directory.addUser("alice");
    const inserted = await insertRawEd25519(t.store, "alice", IDENTITY_POINT);
    blob = inserted.blob;
    kid = inserted.row.kid;
  });
  afterAll(() => t?.close());

  it("12 forged JWTs (with and without kid) are all refused with 401", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await getJson(`${t.url}/whoami`, { authorization: forgedJwt("alice", T + (i % 5), i % 2 ? kid : undefined) });
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(12).fill(401));
  });

  it("12 forged sshauth tokens (by identity, by fingerprint, by both) are all refused with 401", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const identity = i % 3 === 1 ? null : "alice";
      const withFingerprint = i % 3 !== 0 ? blob : null;
      const r = await getJson(`${t.url}/whoami`, { authorization: forgedSshauth(identity, T + i, withFingerprint) });
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(12).fill(401));
  });

  it("a stored ECDSA row with an off-curve point is never a candidate: no 500, a plain refusal", async () => {
    await t.store.directory.addUser("erin");
    const { row, blob: ecBlob } = await insertRawOffCurveEcdsa(t.store, "erin");
    const header = { alg: "ES256", typ: "JWT", kid: row.kid };
    const jwt = `JWT ${forgeJwt({ header, claims: { username: "erin", time: T, nonce: "n1" }, sign: () => Buffer.alloc(64, 1) })}`;
    const byKid = await getJson(`${t.url}/whoami`, { authorization: jwt });
    expect([byKid.status, byKid.body.error.code, await lastEventCode(t.store)]).toEqual([401, "invalid_credentials", "unknown_key"]);
    const sshauth = await getJson(`${t.url}/whoami`, { authorization: forgedSshauth("erin", T, ecBlob) });
    expect(sshauth.status).toBe(401);
    await t.store.database.prisma.publicKey.delete({ where: { id: row.id } });
    await t.store.changes.publish();
  });

  it("no success was recorded for alice", async () => {
    await t.store.events.flush();
    const successes = await t.store.database.prisma.authEvent.count({ where: { outcome: "success" } });
    const failures = await t.store.database.prisma.authEvent.count({ where: { outcome: "failure", OR: [{ username: "alice" }, { username: null }] } });
    expect(successes).toBe(0);
    expect(failures).toBe(24);
  });
});

describe.each(databaseKinds)("the console with a stored small-order key on %s", (kind) => {
  let server: AdminServer;
  let weakId: string;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
    weakId = (await insertRawEd25519(server.store, "alice", IDENTITY_POINT)).row.id;
    await insertRawEd25519(server.store, "alice", ORDER_8_POINT);
  });
  afterAll(() => server?.close());

  it("POST /admin/api/login/jwt refuses a forged JWT and issues no sign-in link", async () => {
    const time = Math.floor(server.clock.now / 1000);
    for (let i = 0; i < 4; i++) {
      const r = await request(`${server.url}/admin/api/login/jwt`, {
        method: "POST",
        headers: { authorization: forgedJwt("alice", time + i) },
      });
      expect(r.status).toBe(401);
      expect(r.body.link).toBeUndefined();
    }
    expect(await server.store.database.prisma.signInLink.count()).toBe(0);
  });

  it("the key list and the key view flag the stored keys as refused (weak_key)", async () => {
    const root = await signIn(server, "root");
    const list = await root.call("GET", "/keys?user=alice");
    expect(list.status).toBe(200);
    expect(list.body.keys).toHaveLength(2);
    for (const key of list.body.keys) expect(key.problem).toMatchObject({ code: "weak_key", message: expect.stringMatching(/forge/) });
    const one = await root.call("GET", `/keys/${weakId}`);
    expect(one.body.key.problem.code).toBe("weak_key");
  });

  it("an honest key carries problem: null", async () => {
    const line = newKeyLine();
    const root = await signIn(server, "root");
    const added = await root.call("POST", "/keys", { text: line, username: "alice" });
    expect(added.status).toBe(201);
    expect(added.body.keys[0].problem).toBeNull();
  });
});
