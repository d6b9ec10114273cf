// The README's webhook verification snippet, as written: it accepts what the worker signs and
// refuses a changed body, a wrong secret and an old timestamp.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signWebhook } from "../../strategy/notify/webhooks/signature.js";
import { root } from "../support/cli.js";

function snippet(): string {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Notifications\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return /```ts\n([\s\S]*?)```/.exec(section)![1]!;
}

describe("README: notifications", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-readme-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the verification snippet checks signatures and their age", async () => {
    const file = path.join(dir, "verify.ts");
    fs.writeFileSync(file, `${snippet()}\nexport { verifyDelivery };\n`);
    const { verifyDelivery } = (await import(file)) as { verifyDelivery: (s: string, h: Record<string, string>, b: string) => boolean };
    const body = '{"id":"1","event":"key.added","at":"2030-01-01T00:00:00.000Z","data":{}}';
    const now = Math.floor(Date.now() / 1000);
    const headers = (timestamp: number, secret = "whsec_test") => ({
      "x-passportsshkey-timestamp": String(timestamp),
      "x-passportsshkey-signature": signWebhook(secret, timestamp, body),
    });
    expect(verifyDelivery("whsec_test", headers(now), body)).toBe(true);
    expect(verifyDelivery("whsec_test", headers(now), body.replace("key.added", "key.deleted"))).toBe(false);
    expect(verifyDelivery("whsec_test", headers(now, "whsec_other"), body)).toBe(false);
    expect(verifyDelivery("whsec_test", headers(now - 3600), body)).toBe(false);
    expect(verifyDelivery("whsec_test", {}, body)).toBe(false);
  });
});
