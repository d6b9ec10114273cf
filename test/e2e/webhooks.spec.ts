// Administrators: webhooks. Adding one shows its secret once; a key added in the console is
// delivered to a receiver on loopback, signed with that secret, and the delivery log says so.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { verifyWebhookSignature } from "../../strategy/notify/webhooks/signature.js";
import { addUser, keygen, shot, signIn, unique } from "./support.js";

test("an admin adds a webhook, a key added in the console reaches it signed, and the delivery log shows it", async ({ page }) => {
  const received: { event: string; verified: boolean; owner: string }[] = [];
  let secret = "";
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const header = (name: string) => String(req.headers[name] ?? "");
      const parsed = JSON.parse(body) as { data: { user: { username: string } } };
      received.push({
        event: header("x-passportsshkey-event"),
        verified: verifyWebhookSignature(secret, header("x-passportsshkey-timestamp"), body, header("x-passportsshkey-signature")),
        owner: parsed.data.user.username,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${unique("hook")}`;
  try {
    const admin = unique("root");
    addUser(admin, true);
    await signIn(page, admin);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();

    const form = page.getByRole("form", { name: "Add webhook" });
    await form.getByLabel("Webhook URL").fill("http://example.com/hook");
    await form.getByRole("button", { name: "Add webhook" }).click();
    await expect(form).toContainText("https://");

    await form.getByLabel("Webhook URL").fill(url);
    await form.getByLabel("Events").fill("key.added");
    await form.getByRole("button", { name: "Add webhook" }).click();
    secret = (await page.getByTestId("webhook-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    const row = page.locator(`tr[data-webhook="${url}"]`);
    await expect(row).toContainText("key.added");

    // A key added in the console is delivered at once.
    await page.getByRole("link", { name: "Keys", exact: true }).click();
    await page.getByRole("button", { name: "Add keys" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Public keys").fill(keygen("ed25519", "hooked").pub);
    await dialog.getByRole("button", { name: "Add key" }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(received[0]).toEqual({ event: "key.added", verified: true, owner: admin });

    await page.getByRole("link", { name: "Webhooks" }).click();
    await row.getByRole("button", { name: `Deliveries to ${url}` }).click();
    const log = page.getByRole("region", { name: `Deliveries to ${url}` });
    await expect(log.locator("tr[data-delivery]")).toHaveCount(1);
    await expect(log.locator("tr[data-delivery]")).toContainText("delivered");
    await expect(log.locator("tr[data-delivery]")).toContainText("HTTP 204");
    await shot(page, "webhooks");

    await row.getByRole("button", { name: `Remove ${url}` }).click();
    await expect(row).toBeHidden();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
