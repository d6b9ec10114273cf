// The AuditLog port on every store: entries come back newest first with what was given, filters
// and cursor pages agree across stores, and listeners hear each append once without being able to
// fail it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry, AuditRecord, SshKeyStore } from "../../../strategy/store/index.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

describe.each(adapterNames)("AuditLog on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  const t0 = Date.UTC(2030, 0, 1);
  const record = (offsetMs: number, fields: Partial<AuditRecord> = {}): AuditRecord => ({
    at: new Date(t0 + offsetMs),
    actor: { type: "user", id: "u-1", name: "Root" },
    ip: "192.0.2.7",
    userAgent: "test",
    action: "key.added",
    target: { type: "key", id: "k-1", name: "SHA256:abc" },
    before: null,
    after: { comment: "laptop" },
    ...fields,
  });

  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    await store.audit.append(record(0));
    await store.audit.append(record(1000, { action: "key.renamed", before: { comment: "laptop" }, after: { comment: "work laptop" } }));
    await store.audit.append(
      record(2000, { action: "user.created", actor: { type: "cli", name: "deploy" }, target: { type: "user", id: "u-2", name: "bob" } }),
    );
    await store.audit.append(record(3000, { action: "session.sign_in", actor: { type: "system", name: "ldap" }, target: { type: "session" } }));
  });
  afterAll(async () => {
    await opened?.close();
  });

  it("answers newest first with every field as given", async () => {
    const { items, more } = await store.audit.page({ limit: 10 });
    expect(more).toBe(false);
    expect(items.map((e) => e.action)).toEqual(["session.sign_in", "user.created", "key.renamed", "key.added"]);
    expect(items[2]).toMatchObject({
      at: new Date(t0 + 1000),
      actor: { type: "user", id: "u-1", name: "Root" },
      ip: "192.0.2.7",
      userAgent: "test",
      target: { type: "key", id: "k-1", name: "SHA256:abc" },
      before: { comment: "laptop" },
      after: { comment: "work laptop" },
    });
    expect(items[1]!.actor).toEqual({ type: "cli", name: "deploy" });
    expect(items[0]).toMatchObject({ actor: { type: "system", name: "ldap" }, target: { type: "session", id: null, name: null }, before: null });
  });

  it("filters by action (exact or prefix), target, actor text and time, and pages by cursor", async () => {
    const actions = async (query: Partial<Parameters<SshKeyStore["audit"]["page"]>[0]>) =>
      (await store.audit.page({ limit: 10, ...query })).items.map((e) => e.action);
    expect(await actions({ action: "key." })).toEqual(["key.renamed", "key.added"]);
    expect(await actions({ action: "key" })).toEqual([]);
    expect(await actions({ action: "user.created" })).toEqual(["user.created"]);
    expect(await actions({ targetType: "key", targetId: "k-1" })).toEqual(["key.renamed", "key.added"]);
    expect(await actions({ targetName: "bob" })).toEqual(["user.created"]);
    expect(await actions({ targetName: "BOB" })).toEqual([]);
    expect(await actions({ actor: "roo" })).toEqual(["key.renamed", "key.added"]);
    expect(await actions({ actor: "DEPLOY" })).toEqual(["user.created"]);
    expect(await actions({ from: new Date(t0 + 1000), to: new Date(t0 + 3000) })).toEqual(["user.created", "key.renamed"]);

    const first = await store.audit.page({ limit: 3 });
    expect(first.more).toBe(true);
    const last = first.items.at(-1)!;
    const second = await store.audit.page({ limit: 3, after: { at: last.at, id: last.id } });
    expect(second).toMatchObject({ more: false, items: [{ action: "key.added" }] });
  });

  it("tells listeners of each append once, and a failing listener fails nothing", async () => {
    const heard: AuditEntry[] = [];
    const stopBroken = store.audit.onAppend(() => {
      throw new Error("listener bug");
    });
    const stop = store.audit.onAppend((entry) => heard.push(entry));
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const entry = await store.audit.append(record(4000, { action: "policy.changed", target: { type: "policy" } }));
      expect(heard).toEqual([entry]);
      stop();
      await store.audit.append(record(5000, { action: "policy.changed", target: { type: "policy" } }));
      expect(heard).toHaveLength(1);
      expect(errors).toHaveLength(2);
    } finally {
      console.error = original;
      stopBroken();
    }
  });
});
