import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthEventRecord, KeyRecord, SshKeyStore, UserRecord } from "../../../strategy/store/index.js";
import { newKeyLine } from "../../admin/support.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

describe.each(adapterNames)("EventSink and EventLog on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  let user: UserRecord;
  let key: KeyRecord;
  const t0 = Date.UTC(2030, 0, 1);
  const event = (offsetMs: number, fields: Partial<AuthEventRecord> = {}): AuthEventRecord => ({
    at: new Date(t0 + offsetMs),
    scheme: "jwt",
    outcome: "success",
    errorCode: null,
    userId: user.id,
    username: user.username,
    keyId: key.id,
    ip: "192.0.2.7",
    userAgent: "test",
    ...fields,
  });

  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    user = await store.directory.addUser("logged");
    key = await store.directory.addKey("logged", newKeyLine("logged key"));
    store.events.record(event(0));
    store.events.record(event(1000, { scheme: "sshauth", outcome: "failure", errorCode: "bad_signature" }));
    store.events.record(event(2000));
    // Claimed a known name without proving it: only the name is kept.
    store.events.record(event(3000, { outcome: "failure", errorCode: "unknown_key", userId: null, keyId: null }));
    store.events.record(event(4000, { outcome: "failure", errorCode: "unknown_user", userId: null, keyId: null, username: "stranger" }));
    await store.events.flush();
  });
  afterAll(() => opened?.close());

  it("lists a user's events and the attempts that only claimed the name, newest first, with the key", async () => {
    const page = await store.eventLog.page({ username: "logged", limit: 10 });
    expect(page.items.map((e) => e.at.getTime() - t0)).toEqual([3000, 2000, 1000, 0]);
    expect(page.items[1]).toMatchObject({ keyId: key.id, keyFingerprint: key.fingerprintSha256, keyComment: "logged key", ip: "192.0.2.7", userAgent: "test" });
    expect(page.items[0]).toMatchObject({ keyId: null, keyFingerprint: null, errorCode: "unknown_key" });
    expect((await store.eventLog.page({ username: "stranger", limit: 10 })).items.map((e) => e.errorCode)).toEqual(["unknown_user"]);
  });

  it("filters by key, scheme, outcome and time, and pages with a cursor", async () => {
    expect((await store.eventLog.page({ keyId: key.id, limit: 10 })).items).toHaveLength(3);
    expect((await store.eventLog.page({ scheme: "sshauth", limit: 10 })).items.map((e) => e.errorCode)).toEqual(["bad_signature"]);
    expect((await store.eventLog.page({ outcome: "success", limit: 10 })).items).toHaveLength(2);
    const window = await store.eventLog.page({ from: new Date(t0 + 1000), to: new Date(t0 + 3000), limit: 10 });
    expect(window.items.map((e) => e.at.getTime() - t0)).toEqual([2000, 1000]);
    const first = await store.eventLog.page({ limit: 2 });
    expect(first.more).toBe(true);
    const last = first.items[1]!;
    const rest = await store.eventLog.page({ limit: 10, after: { at: last.at, id: last.id } });
    expect(rest.more).toBe(false);
    expect([...first.items, ...rest.items].map((e) => e.at.getTime() - t0)).toEqual([4000, 3000, 2000, 1000, 0]);
  });

  it("filters by part of a username, case-insensitively, the claimed name or the user's, and counts by outcome", async () => {
    const before = { to: new Date(t0 + 5000) };
    expect((await store.eventLog.page({ usernameContains: "OGG", ...before, limit: 10 })).items).toHaveLength(4);
    expect((await store.eventLog.page({ usernameContains: "strang", ...before, limit: 10 })).items.map((e) => e.errorCode)).toEqual(["unknown_user"]);
    expect((await store.eventLog.page({ usernameContains: "nobody", ...before, limit: 10 })).items).toEqual([]);
    expect(await store.eventLog.count(before)).toEqual({ matching: 5, byOutcome: { success: 2, failure: 3, alarm: 0 } });
    expect(await store.eventLog.count({ ...before, usernameContains: "logg", outcome: "failure" })).toEqual({
      matching: 2,
      byOutcome: { success: 0, failure: 2, alarm: 0 },
    });
  });

  it("keeps a certificate attempt's CA, serial, key id and principal, and lists a user's own certificate attempts", async () => {
    const cert = { keyId: null, caId: "ca-1", certSerial: "18446744073709551615", certKeyId: "logged@laptop" };
    store.events.record(event(10_000, { ...cert, certPrincipal: "logged" }));
    // A certificate of a CA not trusted, only claiming the name: no CA, no user.
    store.events.record(event(11_000, { ...cert, caId: null, certKeyId: "x", userId: null, outcome: "failure", errorCode: "unknown_key" }));
    await store.events.flush();
    const own = await store.eventLog.page({ userId: user.id, certificates: true, limit: 10 });
    expect(own.items).toHaveLength(1);
    expect(own.items[0]).toMatchObject({ ...cert, certPrincipal: "logged", keyFingerprint: null });
    const all = await store.eventLog.page({ certificates: true, limit: 10 });
    expect(all.items.map((e) => [e.caId, e.certKeyId, e.userId])).toEqual([
      [null, "x", null],
      ["ca-1", "logged@laptop", user.id],
    ]);
    const plain = await store.eventLog.page({ userId: user.id, to: new Date(t0 + 5000), limit: 10 });
    expect(plain.items.map((e) => [e.caId, e.certSerial, e.certKeyId, e.certPrincipal])).toEqual(plain.items.map(() => [null, null, null, null]));
  });

  it("records a successful key's use on the key", async () => {
    const used = await store.directory.findKeyById(key.id);
    expect(used.useCount).toBeGreaterThanOrEqual(1);
    expect(used.lastUsedScheme).toBe("jwt");
    expect(used.lastUsedIp).toBe("192.0.2.7");
  });

  it("keeps events when their key goes, without the link", async () => {
    await store.directory.removeKeyById(key.id);
    const page = await store.eventLog.page({ username: "logged", scheme: "sshauth", limit: 10 });
    expect(page.items[0]).toMatchObject({ keyId: null, keyFingerprint: null, errorCode: "bad_signature" });
  });
});
