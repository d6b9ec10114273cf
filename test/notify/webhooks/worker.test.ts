// Webhook deliveries against a real receiver on loopback: signed so the receiver can check them,
// retried after each backoff step until a 2xx (and failed for good past the last), cut off when
// the receiver hangs, never following a redirect, reading none of a huge answer, and sent once
// when two workers share a database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebhookWorker } from "../../../strategy/notify/webhooks/worker.js";
import { registerWebhook } from "../../../strategy/notify/webhooks/registration.js";
import { Notifier } from "../../../strategy/notify/notifier.js";
import type { Notice } from "../../../strategy/notify/notice.js";
import type { SshKeyStore } from "../../../strategy/store/index.js";
import { adapterNames, openAdapter, type OpenedStore } from "../../store/ports/adapters.js";
import { ok, startWebhookReceiver, status, type WebhookReceiver } from "../../support/webhook-receiver.js";

let counter = 0;
const notice = (): Notice => ({
  event: "key.added",
  markId: `test:${++counter}`,
  at: new Date(),
  owner: { id: "u-1", username: "alice" },
  key: { id: "k-1", comment: "laptop", fingerprint: "SHA256:abc", type: "ssh-ed25519" },
  actor: "root",
  ip: "192.0.2.1",
});

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(adapterNames)("webhook deliveries on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  let receiver: WebhookReceiver;
  let webhookId: string;
  const workers: WebhookWorker[] = [];
  const worker = (options: ConstructorParameters<typeof WebhookWorker>[1] = {}) => {
    const w = new WebhookWorker(store.notifications, {
      allowPrivateAddresses: true,
      backoffMs: [30, 60],
      timeoutMs: 2000,
      pollMs: 10,
      log: () => {},
      ...options,
    });
    workers.push(w);
    return w;
  };
  const queue = () => new Notifier(store, null, () => {}).send(notice());
  const latest = async () => (await store.notifications.deliveries(webhookId, 1))[0]!;

  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    receiver = await startWebhookReceiver();
    const added = await registerWebhook(store.notifications, receiver.url, undefined);
    receiver.secret = added.secret;
    webhookId = added.id;
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    receiver.received.length = 0;
    receiver.answers = [ok];
  });
  afterAll(async () => {
    await receiver?.close();
    await opened?.close();
  });

  it("signs the JSON body, and retries after each backoff step until the receiver takes it", async () => {
    receiver.answers = [status(500), status(500), ok];
    await queue();
    const w = worker();
    w.start();
    const delivered = await until(async () => ((await latest()).status === "delivered" ? latest() : undefined));
    expect(delivered).toMatchObject({ attempts: 3, responseStatus: 204, lastError: null, nextAttemptAt: null });
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const [first, , last] = receiver.received;
    expect(last!.body).toMatchObject({ event: "key.added", data: { user: { username: "alice" }, key: { fingerprint: "SHA256:abc" }, actor: "root" } });
    expect(last!.deliveryId).toBe(String(delivered.id));
    expect(first!.body.id).toBe(last!.body.id);
    // Waited at least the two backoff steps (30 ms, then 60 ms).
    expect(last!.at - first!.at).toBeGreaterThanOrEqual(85);
  });

  it("gives up after the last backoff step: failed, with the last status", async () => {
    receiver.answers = [status(503)];
    await queue();
    worker().start();
    const failed = await until(async () => ((await latest()).status === "failed" ? latest() : undefined));
    expect(failed).toMatchObject({ attempts: 3, responseStatus: 503, lastError: "HTTP 503", nextAttemptAt: null });
    expect(receiver.received).toHaveLength(3);
  });

  it("cuts off a receiver that does not answer, and retries it later", async () => {
    receiver.answers = [() => {}];
    await queue();
    const started = Date.now();
    await worker({ timeoutMs: 300, backoffMs: [60_000] }).runOnce();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await latest()).toMatchObject({ status: "pending", attempts: 1, responseStatus: null, lastError: "the webhook receiver did not answer in time" });
    expect((await latest()).nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it("does not follow a redirect", async () => {
    receiver.answers = [status(302, { location: `${receiver.url}/elsewhere` })];
    await queue();
    await worker({ backoffMs: [] }).runOnce();
    expect(await latest()).toMatchObject({ status: "failed", responseStatus: 302, lastError: "redirect (HTTP 302) not followed" });
    expect(receiver.received).toHaveLength(1);
  });

  it("takes a 2xx with a huge body as delivered without reading it", async () => {
    receiver.answers = [
      (res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = Buffer.alloc(1024 * 1024, "x");
        // 1 GiB if anyone read it all.
        let left = 1024;
        const write = () => {
          while (left-- > 0) if (!res.write(chunk)) return void res.once("drain", write);
          res.end();
        };
        write();
      },
    ];
    await queue();
    const started = Date.now();
    await worker().runOnce();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await latest()).toMatchObject({ status: "delivered", responseStatus: 200 });
  });

  it("refuses a private address unless allowed", async () => {
    await queue();
    await worker({ allowPrivateAddresses: false, backoffMs: [] }).runOnce();
    expect(await latest()).toMatchObject({ status: "failed", lastError: "refused: the host resolves to a non-public address" });
    expect(receiver.received).toHaveLength(0);
  });

  it("sends each delivery once when two workers share the store", async () => {
    const notices = Array.from({ length: 6 }, notice);
    for (const n of notices) await new Notifier(store, null, () => {}).send(n);
    const [a, b] = [worker(), worker()];
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map((r) => r.deliveryId)).size).toBe(6);
  });
});
