import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshKeyStore, UserRecord } from "../../../strategy/store/index.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

describe.each(adapterNames)("SessionStore, SettingsStore and ReplayStore on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  let user: UserRecord;
  const t0 = Date.UTC(2030, 0, 1);
  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    user = await store.directory.addUser("console-user");
  });
  afterAll(() => opened?.close());

  const newSession = (id: string, expiresInMs: number) => ({
    id,
    userId: user.id,
    csrfToken: `csrf-${id}`,
    createdAt: new Date(t0),
    lastSeenAt: new Date(t0),
    expiresAt: new Date(t0 + expiresInMs),
    ip: "192.0.2.1",
    userAgent: null,
  });

  it("creates a session and answers with it and its user; finds, touches and deletes it", async () => {
    const created = await store.sessions.createSession(newSession("s1", 60_000));
    expect(created).toMatchObject({ id: "s1", userId: user.id, csrfToken: "csrf-s1", user: { username: "console-user", disabled: false } });
    await store.sessions.touchSession("s1", new Date(t0 + 5000));
    expect((await store.sessions.findSession("s1"))?.lastSeenAt).toEqual(new Date(t0 + 5000));
    await store.sessions.deleteSession("s1");
    expect(await store.sessions.findSession("s1")).toBeNull();
  });

  it("deletes sessions by owner and by expiry", async () => {
    await store.sessions.createSession(newSession("short", 1000));
    await store.sessions.createSession(newSession("long", 100_000));
    await store.sessions.deleteSessionsExpiredBy(new Date(t0 + 1000));
    expect(await store.sessions.findSession("short")).toBeNull();
    expect(await store.sessions.findSession("long")).not.toBeNull();
    await store.sessions.deleteSessionsOf(user.id);
    expect(await store.sessions.findSession("long")).toBeNull();
  });

  it("redeems a sign-in link once: later tries see it used, an old one expired, an unknown one nothing", async () => {
    await store.sessions.createSignInLink({ id: "link-1", userId: user.id, createdAt: new Date(t0), expiresAt: new Date(t0 + 300_000) });
    const tries = await Promise.all(Array.from({ length: 5 }, () => store.sessions.redeemSignInLink("link-1", new Date(t0 + 1000))));
    expect(tries.map((t) => t?.outcome).sort()).toEqual(["redeemed", "used", "used", "used", "used"]);
    expect(tries[0]?.user.username).toBe("console-user");
    await store.sessions.createSignInLink({ id: "link-2", userId: user.id, createdAt: new Date(t0), expiresAt: new Date(t0 + 1000) });
    expect((await store.sessions.redeemSignInLink("link-2", new Date(t0 + 1000)))?.outcome).toBe("expired");
    expect(await store.sessions.redeemSignInLink("no-such-link", new Date(t0))).toBeNull();
    await store.sessions.deleteSignInLinksExpiredBefore(new Date(t0 + 1001));
    expect(await store.sessions.redeemSignInLink("link-2", new Date(t0))).toBeNull();
  });

  it("removing a user removes their sessions", async () => {
    const leaver = await store.directory.addUser("session-leaver");
    await store.sessions.createSession({ ...newSession("leaver-session", 60_000), userId: leaver.id });
    await store.directory.removeUser("session-leaver");
    expect(await store.sessions.findSession("leaver-session")).toBeNull();
  });

  it("keeps the first value of a setting", async () => {
    expect(await store.settings.loadOrCreate("test.setting", () => "first")).toBe("first");
    expect(await store.settings.loadOrCreate("test.setting", () => "second")).toBe("first");
  });

  it("accepts a one-time value once, per scope, even under concurrent consumes", async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.replay.consume("jwt", "jti-1", expiresAt)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.replay.consume("sshauth", "jti-1", expiresAt)).toBe(true);
  });

  it("is ready", async () => {
    expect(await store.ready()).toMatchObject({ ready: true });
  });
});
