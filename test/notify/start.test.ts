// Notifications end to end, through the admin API, with a real SMTP sink and a real webhook
// receiver: a key added to someone's account, revoked or deleted by an admin (not by its owner),
// expiring within a week and expired (a scan on a test clock, sent once even by two instances),
// a security key's counter alarm (owner and admins) and repeated failures (once per window).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpMailer } from "../../strategy/notify/mail/mailer.js";
import { startNotifications, type Notifications } from "../../strategy/notify/start.js";
import type { AuthEventRecord, SshKeyStore } from "../../strategy/store/index.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { newKeyLine, signInTo, type Client } from "../admin/support.js";
import { databaseKinds, type TestDatabase } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const dayMs = 86_400_000;

describe.each(["memory", ...databaseKinds] as const)("notifications on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  let sink: SmtpSink;
  let receiver: WebhookReceiver;
  let root: Client;
  let alice: Client;
  let notifications: Notifications;
  const started: Notifications[] = [];
  const start = (store: SshKeyStore) => {
    const n = startNotifications({
      store,
      mailer: smtpMailer({ url: sink.url, from: "Keys <keys@example.com>" }),
      webhooks: { allowPrivateAddresses: true, pollMs: 20 },
      now: () => t.clock.now,
      scanEveryMs: 3_600_000,
      repeatedFailures: { threshold: 3, windowMs: 600_000 },
      log: (error) => {
        throw error;
      },
    });
    started.push(n);
    return n;
  };
  /** Mails that arrive after `action`, once a scan and a short wait have passed. */
  async function mailsAfter(action: () => Promise<unknown>, expected: number) {
    const before = sink.mails.length;
    await action();
    await notifications.scanNow();
    if (expected > 0) await sink.waitFor(before + expected);
    else await new Promise((resolve) => setTimeout(resolve, 200));
    return sink.mails.slice(before);
  }
  const event = (fields: Partial<AuthEventRecord>): AuthEventRecord => ({
    at: new Date(t.clock.now),
    scheme: "sshsig",
    outcome: "failure",
    errorCode: "bad_signature",
    userId: null,
    username: "alice",
    keyId: null,
    ip: "198.51.100.9",
    userAgent: "test",
    ...fields,
  });

  beforeAll(async () => {
    sink = await startSmtpSink();
    receiver = await startWebhookReceiver();
    t = await startTestServer(kind as "memory", { startAt: Date.UTC(2030, 0, 1, 12) });
    await t.store.directory.addUser("root", { isAdmin: true });
    await t.store.directory.setUserFlags("root", { email: "root@example.com" });
    await t.store.directory.addUser("alice");
    root = await signInTo(t.url, t.store, "root");
    alice = await signInTo(t.url, t.store, "alice");
    notifications = start(t.store);
    const added = await root.call("POST", "/webhooks", { url: receiver.url });
    expect(added.status).toBe(201);
    receiver.secret = added.body.secret;
  });
  afterAll(async () => {
    for (const n of started) await n.stop();
    await t?.close();
    await sink?.close();
    await receiver?.close();
  });

  it("mails the owner and posts key.added when an admin adds a key to their account", async () => {
    expect((await alice.call("PATCH", "/users/alice", { email: "Alice@Example.com" })).body.user.email).toBe("Alice@example.com");
    const mails = await mailsAfter(async () => {
      const added = await root.call("POST", "/keys", { text: newKeyLine("laptop"), username: "alice" }, { "x-forwarded-for": "203.0.113.7" });
      expect(added.status).toBe(201);
    }, 1);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual(["Alice@example.com"]);
    expect(mail!.from).toBe("keys@example.com");
    expect(mail!.subject).toBe("[passport-sshkey] A key was added to your account");
    const key = (await t.store.directory.listKeys("alice"))[0]!;
    expect(mail!.text).toContain(`Fingerprint: ${key.fingerprintSha256}`);
    expect(mail!.text).toContain("Key: laptop (ssh-ed25519)");
    expect(mail!.text).toContain("By: root");
    expect(mail!.text).toContain("If this wasn't you");
    const hook = await until(() => receiver.received.find((r) => r.event === "key.added"));
    expect(hook.verified).toBe(true);
    expect(hook.body.data).toMatchObject({ user: { username: "alice" }, key: { id: key.id, fingerprint: key.fingerprintSha256 }, actor: "root" });
  });

  it("mails when an admin revokes or deletes a key, not when the owner does", async () => {
    const keys: { id: string }[] = [];
    await mailsAfter(async () => {
      for (const comment of ["own", "other"]) keys.push((await root.call("POST", "/keys", { text: newKeyLine(comment), username: "alice" })).body.keys[0]);
    }, 2);
    const [own, other] = keys as [{ id: string }, { id: string }];
    expect(await mailsAfter(() => alice.call("POST", `/keys/${own.id}/revoke`, { reason: "lost" }), 0)).toEqual([]);
    const revoked = await mailsAfter(() => root.call("POST", `/keys/${other.id}/revoke`, { reason: "offboarding" }), 1);
    expect(revoked.map((m) => m.subject)).toEqual(["[passport-sshkey] Your key was revoked by root"]);
    expect(revoked[0]!.text).toContain("reason: offboarding");
    const deleted = await mailsAfter(() => root.call("DELETE", `/keys/${other.id}`), 1);
    expect(deleted.map((m) => m.subject)).toEqual(["[passport-sshkey] Your key was deleted by root"]);
    expect(await mailsAfter(() => alice.call("DELETE", `/keys/${own.id}`), 0)).toEqual([]);
  });

  it("tells once that a key expires within a week, and once that it expired, even with two instances scanning", async () => {
    let key = { id: "" };
    await mailsAfter(async () => (key = (await root.call("POST", "/keys", { text: newKeyLine("expiring"), username: "alice" })).body.keys[0]), 1);
    const expiresAt = new Date(t.clock.now + 3 * dayMs).toISOString();
    expect((await root.call("PATCH", `/keys/${key.id}`, { expiresAt })).status).toBe(200);
    const database = t.database as TestDatabase | undefined;
    const second = database ? await openPrismaStore({ url: database.url, migrate: false, keyCache: { enabled: false } }) : t.store;
    const other = start(second);
    try {
      const expiring = await mailsAfter(() => Promise.all([other.scanNow(), notifications.scanNow()]), 1);
      expect(expiring.filter((m) => m.subject.includes("expires within a week"))).toHaveLength(1);
      expect(expiring[0]!.text).toContain(`expiresAt: ${expiresAt}`);
      expect(await mailsAfter(() => other.scanNow(), 0)).toEqual([]);
      t.clock.now += 4 * dayMs;
      const expired = await mailsAfter(() => Promise.all([other.scanNow(), notifications.scanNow()]), 1);
      expect(expired.map((m) => m.subject)).toEqual(["[passport-sshkey] Your key has expired"]);
      await until(() => receiver.received.find((r) => r.event === "key.expired"));
      expect(receiver.received.filter((r) => r.event === "key.expiring")).toHaveLength(1);
    } finally {
      await other.stop();
      started.splice(started.indexOf(other), 1);
      if (second !== t.store) await second.close();
    }
  });

  it("mails the owner and every administrator about a counter alarm", async () => {
    const aliceId = (await t.store.directory.findUser("alice")).id;
    const mails = await mailsAfter(async () => {
      t.store.events.record(event({ outcome: "alarm", errorCode: "sign_counter", userId: aliceId, scheme: "sshsig" }));
      await t.store.events.flush();
    }, 1);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to.sort()).toEqual(["Alice@example.com", "root@example.com"]);
    expect(mails[0]!.subject).toContain("signature counter went backwards");
    expect(mails[0]!.text).toContain("From: 198.51.100.9");
    await until(() => receiver.received.find((r) => r.event === "key.counter_alarm"));
  });

  it("mails once per window when failures naming a user reach the threshold", async () => {
    const aliceId = (await t.store.directory.findUser("alice")).id;
    const fail = async (n: number) => {
      for (let i = 0; i < n; i++) t.store.events.record(event({ userId: aliceId }));
      await t.store.events.flush();
    };
    expect(await mailsAfter(() => fail(2), 0)).toEqual([]);
    const mails = await mailsAfter(() => fail(1), 1);
    expect(mails.map((m) => m.subject)).toEqual(["[passport-sshkey] Repeated failed sign-ins to your account"]);
    expect(mails[0]!.text).toContain("failures: 3");
    expect(await mailsAfter(() => fail(2), 0)).toEqual([]);
    const hook = await until(() => receiver.received.find((r) => r.event === "auth.repeated_failures"));
    expect(hook.body.data).toMatchObject({ failures: 3, user: { username: "alice" } });
  });
});

async function until<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
