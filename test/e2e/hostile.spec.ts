// Hostile or wrong input never gets saved; private keys never even leave the browser.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import sshpk from "sshpk";
import { addUser, keygen, shot, signIn, unique } from "./support.js";
import { freshKeyPair } from "../support/fresh-keys.js";

test("the preview rejects garbage, weak keys, DSA and private keys, and saves nothing", async ({ page }) => {
  const user = unique("mallory");
  addUser(user);
  await signIn(page, user);
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/admin/api/")) sent.push(request.postData() ?? "");
  });

  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  const text = dialog.getByLabel("Public keys");
  const add = dialog.getByRole("button", { name: /^Add/ });

  // Garbage next to a good key: the good one is shown, the bad line named, nothing can be added.
  const good = keygen("ed25519", "good");
  await text.fill(`${good.pub}\nthis is not a key <script>alert(1)</script>\n`);
  await expect(dialog.locator(".preview-item.ok")).toHaveCount(1);
  await expect(dialog.locator(".preview-item.bad")).toHaveCount(1);
  await expect(dialog.locator(".preview-item.bad")).toContainText("Line 2");
  await expect(dialog.getByText(/1 problem found/)).toBeVisible();
  await expect(add).toBeDisabled();

  // RSA 1024 is too weak.
  const weak = keygen("rsa", "weak", 1024);
  await text.fill(weak.pub);
  await expect(dialog.locator(".preview-item.bad")).toHaveCount(1);
  await expect(dialog.locator(".preview-item.bad")).toContainText(/1024|bits|weak|small/i);
  await expect(add).toBeDisabled();

  // DSA is not accepted.
  const dsa = freshKeyPair("dsa", { modulusLength: 1024, divisorLength: 160 });
  const dsaLine = sshpk.parseKey(dsa.publicKey.export({ type: "spki", format: "pem" }) as string, "pem").toString("ssh");
  await text.fill(`${dsaLine} old-dsa`);
  await expect(dialog.locator(".preview-item.bad")).toHaveCount(1);
  await expect(add).toBeDisabled();
  await shot(page, "add-dialog-rejected");

  // A private key is refused in the browser with an explanation, and never sent to the server.
  const privateKey = fs.readFileSync(keygen("ed25519", "secret").path, "utf8");
  await text.fill(privateKey);
  const warning = dialog.getByTestId("private-key-warning");
  await expect(warning).toContainText("This is a private key. It was not sent anywhere.");
  await expect(warning).toContainText("ssh-keygen -y -f");
  await expect(add).toBeDisabled();
  await page.waitForTimeout(600); // longer than the preview's debounce
  expect(sent.some((body) => body.includes("PRIVATE KEY"))).toBe(false);
  await shot(page, "add-dialog-private-key");
  await warning.getByRole("button", { name: "Clear the text" }).click();
  await expect(text).toHaveValue("");

  // The server refuses a private key too (the UI never sends one; the API must still say no).
  const me = await page.request.get("/admin/api/me");
  const csrf = (await me.json()).csrfToken as string;
  const preview = await page.request.post("/admin/api/keys/preview", { data: { text: privateKey }, headers: { "x-csrf-token": csrf } });
  expect((await preview.json()).keys[0].problem.code).toBe("private_key");
  const added = await page.request.post("/admin/api/keys", { data: { text: privateKey }, headers: { "x-csrf-token": csrf } });
  expect(added.status()).toBe(400);
  expect((await added.json()).error.code).toBe("private_key");
  // Without the CSRF header a mutating call is refused.
  const forged = await page.request.post("/admin/api/keys", { data: { text: good.pub } });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.code).toBe("csrf_failed");

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByText("You have no SSH keys yet")).toBeVisible();
});
