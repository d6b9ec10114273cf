// `passport-sshkey webhooks …` and users' e-mail addresses as an administrator sets them, and
// notifications of what the CLI did (a separate process) sent by an instance on the same database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpMailer } from "../../strategy/notify/mail/mailer.js";
import { startNotifications } from "../../strategy/notify/start.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { newKeyLine } from "../admin/support.js";
import { runCli } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.js";

describe("webhooks and e-mail commands on sqlite", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  let sink: SmtpSink;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-webhooks-"));
    env = { DATABASE_URL: db.url, HOME: dir };
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Each CLI run is a process of its own: these tests take their time.
  it("adds a webhook (secret printed once), lists it, refuses a duplicate, removes it", { timeout: 240_000 }, async () => {
    const added = await runCli(["webhooks", "add", "https://hooks.example.com/k", "--events", "key.added,key.expired"], { env });
    expect(added.code).toBe(0);
    const [, id, secret] =
      /^added webhook (\S+) for https:\/\/hooks\.example\.com\/k \(events: key\.added,key\.expired\)\nsecret \(shown once[^)]*\): (whsec_\S+)\n$/.exec(
        added.stdout,
      ) ?? [];
    expect(secret).toBeDefined();
    const table = await runCli(["webhooks", "list"], { env });
    expect(table.stdout).toMatch(new RegExp(`^ID +URL +EVENTS +CREATED\\n${id} +https://hooks\\.example\\.com/k +key\\.added,key\\.expired +\\S+Z\\n$`));
    expect(table.stdout).not.toContain(secret);
    expect(await runCli(["webhooks", "add", "https://hooks.example.com/k"], { env })).toMatchObject({
      code: 1,
      stderr: "passport-sshkey: a webhook with this URL already exists\n",
    });
    expect(await runCli(["webhooks", "remove", id!], { env })).toMatchObject({ code: 0, stdout: `removed webhook ${id} (https://hooks.example.com/k)\n` });
    expect(await runCli(["webhooks", "remove", id!], { env })).toMatchObject({ code: 1, stderr: `passport-sshkey: no webhook ${id}\n` });
  });

  it("sets addresses with users add --email and users set-email, validated", { timeout: 240_000 }, async () => {
    expect((await runCli(["users", "add", "alice", "--email", "alice@example.com"], { env })).stdout).toBe("created user alice <alice@example.com>\n");
    expect((await runCli(["users", "set-email", "alice", "Alice@Mail.Example.com"], { env })).stdout).toBe("user alice is mailed at Alice@mail.example.com\n");
    const bad = await runCli(["users", "add", "bob", "--email", "bob@"], { env });
    expect([bad.code, bad.stderr]).toEqual([1, "passport-sshkey: not an e-mail address (expected name@example.com)\n"]);
    const list = JSON.parse((await runCli(["users", "list", "--json"], { env })).stdout);
    expect(list).toMatchObject([{ username: "alice", email: "Alice@mail.example.com" }]);
  });

  it("mails the owner about a key the CLI added, from an instance running notifications", { timeout: 120_000 }, async () => {
    const store = await openPrismaStore({ url: db.url, keyCache: { enabled: false } });
    const notifications = startNotifications({ store, mailer: smtpMailer({ url: sink.url, from: "keys@example.com" }), scanEveryMs: 3_600_000 });
    try {
      const file = path.join(dir, "key.pub");
      fs.writeFileSync(file, `${newKeyLine("from the cli")}\n`);
      expect((await runCli(["keys", "add", "alice", file], { env })).code).toBe(0);
      await notifications.scanNow();
      const [mail] = await sink.waitFor(1);
      expect(mail!.to).toEqual(["Alice@mail.example.com"]);
      expect(mail!.subject).toBe("[passport-sshkey] A key was added to your account");
      expect(mail!.text).toMatch(/By: cli:\S+/);
      expect(mail!.text).toContain("Key: from the cli (ssh-ed25519)");
      await notifications.scanNow();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sink.mails).toHaveLength(1);
    } finally {
      await notifications.stop();
      await store.close();
    }
  });
});
