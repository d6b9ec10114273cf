// Lockout through HTTP: consecutive refusals after a key's signature verified lock it for a
// while; a stranger's junk naming the key, or one stale credential sent again and again, never
// does; a success starts the count again; time or an administrator unlocks it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/databases.js";
import { generatedSigner } from "../schemes/sshauth/fixtures.js";
import { authorization, get, openLimitsStore, startLimitsApp, type LimitsApp } from "../support/limits-app.js";
import { lastEventCode } from "../support/events.js";
import { createMemoryStore, type KeyRecord, type SshKeyStore } from "../../strategy/store/index.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";

const T = 1_700_000_000_000;

describe.each(["memory", ...databaseKinds] as const)("key lockout on %s", (kind) => {
  const clock = { now: T };
  let store: SshKeyStore;
  let close: () => Promise<void>;
  let app: LimitsApp;
  let key: KeyRecord;
  const signer = generatedSigner("ed25519");
  const kid = signer.publicKey.kid;

  const good = () => authorization("jwt", signer, "lou", clock.now);
  // Signed by the key, but an hour old: refused (clock_skew) after the signature verified.
  const stale = () => authorization("jwt", signer, "lou", clock.now - 3_600_000);
  const state = async () => {
    const k = await store.directory.findKeyById(key.id);
    return { failedAttempts: k.failedAttempts, lockedUntil: k.lockedUntil?.getTime() ?? null };
  };

  beforeAll(async () => {
    ({ store, close } = await openLimitsStore(kind, clock));
    await store.directory.addUser("lou");
    key = await store.directory.addKey("lou", signer.publicKey.openssh);
    app = await startLimitsApp(store, clock, { lockout: { afterFailures: 3, forSeconds: 600 }, failureThrottle: false });
  });
  beforeEach(async () => {
    clock.now += 3_600_000;
    await store.directory.unlockKeyById(key.id);
  });
  afterAll(async () => {
    await app?.close();
    await close?.();
  });

  it("locks the key after N consecutive refused credentials it signed: key_locked with Retry-After, even for a good one", async () => {
    for (let i = 0; i < 3; i++) expect((await get(`${app.url}/open`, await stale())).body.error.code).toBe("clock_skew");
    expect(await state()).toEqual({ failedAttempts: 3, lockedUntil: clock.now + 600_000 });
    clock.now += 100_000;
    await expect
      .poll(async () => {
        const r = await get(`${app.url}/open`, await good());
        return [r.status, r.body.error?.code, r.headers.get("retry-after")];
      })
      .toEqual([401, "key_locked", "500"]);
    expect(await lastEventCode(store)).toBe("key_locked");
    const [entry] = (await store.audit.page({ action: "key.locked", targetId: key.id, limit: 1 })).items;
    expect(entry).toMatchObject({ actor: { type: "system", name: "lockout" }, target: { type: "key", id: key.id }, after: { failedAttempts: 3 } });
  });

  it("unlocks by time, and the count starts again", async () => {
    for (let i = 0; i < 3; i++) await get(`${app.url}/open`, await stale());
    clock.now += 600_000;
    expect((await get(`${app.url}/open`, await good())).status).toBe(200);
    await get(`${app.url}/open`, await stale());
    await expect.poll(state).toEqual({ failedAttempts: 1, lockedUntil: null });
  });

  it("unlocks by an administrator", async () => {
    for (let i = 0; i < 3; i++) await get(`${app.url}/open`, await stale());
    expect((await state()).lockedUntil).not.toBeNull();
    await store.directory.unlockKeyById(key.id);
    expect(await state()).toEqual({ failedAttempts: 0, lockedUntil: null });
    await expect.poll(async () => (await get(`${app.url}/open`, await good())).status).toBe(200);
  });

  it("a success resets the count: failures must be consecutive", async () => {
    for (let i = 0; i < 2; i++) await get(`${app.url}/open`, await stale());
    expect((await state()).failedAttempts).toBe(2);
    await expect.poll(async () => (await get(`${app.url}/open`, await good())).status).toBe(200);
    expect((await state()).failedAttempts).toBe(0);
    for (let i = 0; i < 2; i++) await get(`${app.url}/open`, await stale());
    expect(await state()).toEqual({ failedAttempts: 2, lockedUntil: null });
  });

  it("a stranger sending bad signatures that name the key cannot lock it", async () => {
    const stranger = generatedSigner("ed25519");
    for (let i = 0; i < 10; i++) {
      const forged = await authorization("jwt", { ...stranger, publicKey: { ...stranger.publicKey, kid } }, "lou", clock.now);
      expect((await get(`${app.url}/open`, forged)).body.error.code).toBe("invalid_credentials");
    }
    expect(await state()).toEqual({ failedAttempts: 0, lockedUntil: null });
  });

  it("one captured credential sent again and again counts once", async () => {
    const captured = await stale();
    for (let i = 0; i < 6; i++) expect((await get(`${app.url}/open`, captured)).status).toBe(401);
    expect(await state()).toEqual({ failedAttempts: 1, lockedUntil: null });
  });

  it("refusals of scope and rate limit do not count: the caller is who it says", async () => {
    for (let i = 0; i < 4; i++) expect((await get(`${app.url}/deploy`, await good())).status).toBe(200);
    await store.directory.updateKeyById(key.id, { scopes: ["read"] });
    await expect.poll(async () => (await get(`${app.url}/deploy`, await good())).status).toBe(403);
    for (let i = 0; i < 4; i++) await get(`${app.url}/deploy`, await good());
    expect((await state()).failedAttempts).toBe(0);
    await store.directory.updateKeyById(key.id, { scopes: null });
  });
});

describe("the lockout option", () => {
  it("is off unless asked for: refusals after the signature are only counted with `lockout` set", async () => {
    const clock = { now: T };
    const { store, close } = await openLimitsStore("memory", clock);
    const signer = generatedSigner("ed25519");
    await store.directory.addUser("off");
    const { id } = await store.directory.addKey("off", signer.publicKey.openssh);
    const app = await startLimitsApp(store, clock, { failureThrottle: false });
    try {
      for (let i = 0; i < 12; i++) await get(`${app.url}/open`, await authorization("jwt", signer, "off", clock.now - 3_600_000));
      expect(await store.directory.findKeyById(id)).toMatchObject({ failedAttempts: 0, lockedUntil: null });
      expect((await get(`${app.url}/open`, await authorization("jwt", signer, "off", clock.now))).status).toBe(200);
    } finally {
      await app.close();
      await close();
    }
  });

  it.each([{ afterFailures: 0 }, { forSeconds: -1 }, { afterFailures: 2.5 }, { forSeconds: Number.NaN }])(
    "refuses %j with a TypeError naming it",
    (lockout) => {
      expect(() => new SshKeyStrategy({ store: createMemoryStore(), lockout })).toThrow(/SshKeyStrategy: .*lockout\.\w+/);
    },
  );
});
