// The NotificationStore port on every store: webhooks with unique URLs, a queue that only
// queues for webhooks taking the event, claims that lease a due row to one worker, attempts
// that move it on, and marks that only the first caller wins; and users' e-mail addresses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshKeyStore } from "../../../strategy/store/index.js";
import { DirectoryError } from "../../../strategy/store/index.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

describe.each(adapterNames)("NotificationStore on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  const t0 = new Date(Date.UTC(2030, 0, 1));
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
  });
  afterAll(async () => {
    await opened?.close();
  });

  it("adds webhooks with the secret once, refuses a second one for the URL, lists and removes them", async () => {
    const all = await store.notifications.addWebhook({ url: "https://a.example/hook", secret: "s1", events: "*" });
    expect(all).toMatchObject({ url: "https://a.example/hook", secret: "s1", events: "*", disabled: false });
    await expect(store.notifications.addWebhook({ url: "https://a.example/hook", secret: "s2", events: "*" })).rejects.toMatchObject({ code: "conflict" });
    const some = await store.notifications.addWebhook({ url: "https://b.example/hook", secret: "s2", events: ["key.added", "key.expired"] });
    const listed = await store.notifications.listWebhooks();
    expect(listed.map((w) => [w.url, w.events])).toEqual([
      ["https://a.example/hook", "*"],
      ["https://b.example/hook", ["key.added", "key.expired"]],
    ]);
    expect(listed[0]).not.toHaveProperty("secret");
    await store.notifications.removeWebhook(some.id);
    await store.notifications.removeWebhook(all.id);
    await expect(store.notifications.removeWebhook(all.id)).rejects.toBeInstanceOf(DirectoryError);
    expect(await store.notifications.listWebhooks()).toEqual([]);
  });

  it("queues per matching webhook, leases a due delivery to one claimer, and records attempts", async () => {
    const every = await store.notifications.addWebhook({ url: "https://c.example/", secret: "sc", events: "*" });
    const expired = await store.notifications.addWebhook({ url: "https://d.example/", secret: "sd", events: ["key.expired"] });
    expect(await store.notifications.enqueue("key.added", '{"n":1}', t0)).toBe(1);
    expect(await store.notifications.enqueue("key.expired", '{"n":2}', later(1))).toBe(2);

    expect(await store.notifications.claimDue(later(-1), later(60_000), 10)).toEqual([]);
    const [a, b] = await Promise.all([store.notifications.claimDue(later(5), later(60_000), 10), store.notifications.claimDue(later(5), later(60_000), 10)]);
    const claimed = [...a, ...b];
    expect(claimed.map((d) => d.id).sort()).toEqual([...new Set(claimed.map((d) => d.id))].sort());
    expect(claimed).toHaveLength(3);
    const first = claimed.find((d) => d.event === "key.added")!;
    expect(first).toMatchObject({ url: "https://c.example/", secret: "sc", payload: '{"n":1}', status: "pending", attempts: 0 });
    // Leased: not due again before the lease ends.
    expect(await store.notifications.claimDue(later(30_000), later(90_000), 10)).toEqual([]);

    await store.notifications.recordAttempt(first.id, { at: later(10), status: "pending", nextAttemptAt: later(100), responseStatus: 500, error: "HTTP 500" });
    const again = await store.notifications.claimDue(later(100), later(200), 10);
    expect(again.map((d) => d.id)).toEqual([first.id]);
    expect(again[0]).toMatchObject({ attempts: 1, responseStatus: 500, lastError: "HTTP 500" });
    await store.notifications.recordAttempt(first.id, { at: later(110), status: "delivered", nextAttemptAt: null, responseStatus: 204, error: null });

    const log = await store.notifications.deliveries(every.id, 10);
    expect(log.map((d) => d.event)).toEqual(["key.expired", "key.added"]);
    expect(log[1]).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 204, lastError: null, lastAttemptAt: later(110), nextAttemptAt: null });
    expect(await store.notifications.deliveries(expired.id, 10)).toHaveLength(1);
    await expect(store.notifications.deliveries("no-such-webhook", 10)).rejects.toMatchObject({ code: "not_found" });

    // Removing a webhook takes its queue with it.
    await store.notifications.removeWebhook(expired.id);
    expect(await store.notifications.claimDue(later(10_000_000), later(10_000_001), 10)).toHaveLength(1);
  });

  it("lets exactly one of concurrent callers win a mark", async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => store.notifications.markOnce("expiring:k1:2030-01-08T00:00:00.000Z", t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.notifications.markOnce("expiring:k1:2030-01-09T00:00:00.000Z", t0)).toBe(true);
  });

  it("keeps a user's e-mail address, validated, and clears it", async () => {
    await store.directory.addUser("mailer");
    expect((await store.directory.findUser("mailer")).email).toBeNull();
    const set = await store.directory.setUserFlags("mailer", { email: "Ann.Lee+keys@Example.COM" });
    expect(set.email).toBe("Ann.Lee+keys@example.com");
    expect((await store.directory.findUser("mailer")).email).toBe("Ann.Lee+keys@example.com");
    for (const bad of [
      "ann",
      "ann@",
      "@example.com",
      "ann@localhost",
      "a b@example.com",
      "ann@example.com\r\nBcc: x@evil.example",
      "ann@[127.0.0.1]",
      `${"a".repeat(65)}@example.com`,
    ]) {
      await expect(store.directory.setUserFlags("mailer", { email: bad }), bad).rejects.toMatchObject({ code: "invalid" });
    }
    expect((await store.directory.setUserFlags("mailer", { email: null })).email).toBeNull();
  });
});
