// A user's own keys: sign in with a link, add keys by paste, rename, use from the CLI, revoke.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { softwareFidoKey } from "../support/software-fido.js";
import { addKey, addUser, baseUrl, cli, cliOk, keygen, keyRow, shot, signIn, unique, whoami } from "./support.js";

test("signed out: the console explains both ways to get a sign-in link", async ({ page }) => {
  await page.goto("/admin/");
  await expect(page.getByRole("heading", { name: "Sign in to the SSH key console" })).toBeVisible();
  await expect(page.getByText(/passport-sshkey login http:\/\/127\.0\.0\.1:\d+\/admin --user YOUR_NAME --agent/)).toBeVisible();
  await expect(page.getByText(/passport-sshkey console-link YOUR_NAME --base-url/)).toBeVisible();
  // On a console without an administrator yet (this run's database before admin.spec.ts), how to create the first.
  const setup = (await (await page.request.get("/admin/api/setup")).json()) as { adminExists: boolean };
  await expect(page.getByRole("heading", { name: "No administrator yet" })).toHaveCount(setup.adminExists ? 0 : 1);
  if (!setup.adminExists) await expect(page.getByText("passport-sshkey users add YOUR_NAME --admin")).toBeVisible();
  await shot(page, "signed-out");
  // A used or made-up link is refused (JSON for an API client; sign-in-link.spec.ts shows the page a browser gets).
  const refused = await page.request.get("/admin/login/not-a-real-secret-000000000000000000000000000");
  expect(refused.status()).toBe(400);
});

test("sign in with a console-link, add Ed25519 + ECDSA keys by paste with live previews", async ({ page }) => {
  const user = unique("alice");
  addUser(user);
  const ed = keygen("ed25519", "alice-laptop");
  const ec = keygen("ecdsa", "alice-desktop", 256);

  await signIn(page, user);
  await expect(page.getByRole("heading", { name: "SSH keys", exact: true })).toBeVisible();
  await expect(page.getByText("You have no SSH keys yet")).toBeVisible();

  // Keyboard: the dialog takes focus, Esc closes it and focus returns to the opener.
  const open = page.getByRole("button", { name: "Add keys" }).first();
  await open.click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Public keys")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  await open.click();
  await dialog.getByLabel("Public keys").fill(`${ed.pub}\n${ec.pub}\n`);
  await expect(dialog.getByText("2 keys ready to add")).toBeVisible();
  const items = dialog.locator(".preview-item.ok");
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText("Ed25519");
  await expect(items.nth(0)).toContainText("256 bits");
  await expect(items.nth(0)).toContainText(ed.fingerprint);
  await expect(items.nth(1)).toContainText("ECDSA P-256");
  await expect(items.nth(1)).toContainText(ec.fingerprint);
  await shot(page, "add-dialog-preview");
  await dialog.getByRole("button", { name: "Add 2 keys" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Added 2 keys.")).toBeVisible();

  await expect(keyRow(page, "alice-laptop")).toContainText(ed.fingerprint);
  await expect(keyRow(page, "alice-laptop")).toContainText("Never used");
  await expect(keyRow(page, "alice-laptop").locator(".badge")).toHaveText("Active");
  await expect(keyRow(page, "alice-desktop")).toContainText("ECDSA P-256");

  // Adding the same key again is marked in the preview, with its name on this account; it cannot be saved.
  await open.click();
  await dialog.getByLabel("Public keys").fill(ed.pub);
  await expect(dialog.locator(".preview-item.registered")).toContainText("Already on your account (name “alice-laptop”).");
  await expect(dialog.getByRole("button", { name: "Add key" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("a security key (sk-*) pasted with verify-required shows its badge and what it needs: touch and PIN", async ({ page }) => {
  const user = unique("sara");
  addUser(user);
  const fido = softwareFidoKey("ed25519", "ssh:", "sara-yubikey");
  await signIn(page, user);
  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  await dialog.getByLabel("Public keys").fill(`verify-required ${fido.publicLine}\n`);
  await expect(dialog.getByText("1 key ready to add")).toBeVisible();
  await expect(dialog.locator(".preview-item.ok .security-key-badge")).toHaveText("Security key");
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();

  const row = keyRow(page, "sara-yubikey");
  await expect(row).toContainText("Ed25519 security key");
  await expect(row.locator(".security-key-badge")).toHaveText("Security key");
  await expect(row.locator('[data-needs="touch"]')).toHaveText("touch");
  await expect(row.locator('[data-needs="PIN"]')).toHaveText("PIN");
  await shot(page, "security-key-badge");
  await row.getByRole("link", { name: "sara-yubikey" }).click();
  await expect(page.getByTestId("security-key")).toContainText("Application ssh:");
  await expect(page.getByTestId("security-key")).toContainText("No signature counter seen yet.");
});

test("authorized_keys options: previewed per line, shown in the list and on the key's page (from= enforced on HTTP, the rest sshd's)", async ({ page }) => {
  const user = unique("olga");
  addUser(user);
  const key = keygen("ed25519", "olga-backup");
  await signIn(page, user);
  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  await dialog
    .getByLabel("Public keys")
    .fill(`from="10.0.0.0/8",no-pty,command="/usr/bin/backup" ${key.pub}\nbogus-option ${keygen("ed25519", "olga-x").pub}\n`);
  await expect(dialog.getByText(/1 problem found/)).toBeVisible();
  await expect(dialog.locator(".preview-item.bad")).toContainText('Unknown authorized_keys option "bogus-option".');
  const preview = dialog.locator(".preview-item.ok");
  await expect(preview.locator('[data-option="from"]')).toContainText('from="10.0.0.0/8" enforced on HTTP');
  await expect(preview.locator('[data-option="command"]')).toContainText('command="/usr/bin/backup" applies to sshd only');
  await shot(page, "add-dialog-options");
  await dialog.getByLabel("Public keys").fill(`from="10.0.0.0/8",no-pty,command="/usr/bin/backup" ${key.pub}\n`);
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();

  const row = keyRow(page, "olga-backup");
  await expect(row.getByTestId("key-options")).toHaveText("3 options");
  await expect(row.getByTestId("key-options")).toHaveAttribute("title", /from="10\.0\.0\.0\/8" — enforced on HTTP sign-in\nno-pty — applies to sshd only/);
  await row.getByRole("link", { name: "olga-backup" }).click();
  const options = page.getByTestId("key-options");
  await expect(options.locator("li")).toHaveCount(3);
  await expect(options.locator('[data-option="no-pty"]')).toContainText("no-pty applies to sshd only");
  await expect(options.locator('[data-option="from"] .option-enforced')).toHaveText("enforced on HTTP");
  await shot(page, "key-options");
});

test("a long key list loads 50 at a time, the rest with Load more", async ({ page }) => {
  const user = unique("lena");
  addUser(user);
  const keys = Array.from({ length: 51 }, (_, i) => keygen("ed25519", `lena-${String(i).padStart(2, "0")}`));
  await signIn(page, user);
  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  await dialog.getByLabel("Public keys").fill(keys.map((k) => k.pub).join("\n"));
  await expect(dialog.getByText("51 keys ready to add")).toBeVisible();
  await dialog.getByRole("button", { name: "Add 51 keys" }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByText("Showing 50 keys", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByText("Showing 51 keys (all)")).toBeVisible();
  await expect(page.getByRole("button", { name: "Load more" })).toBeHidden();
  // Every key is listed once across both pages.
  for (const name of ["lena-00", "lena-25", "lena-50"]) await expect(keyRow(page, name)).toHaveCount(1);
});

test("edit a key's name inline (Enter saves, Esc cancels)", async ({ page }) => {
  const user = unique("erin");
  addUser(user);
  addKey(user, keygen("ed25519", "old-name"));
  await signIn(page, user);
  const row = keyRow(page, "old-name");
  await row.getByRole("button", { name: /Rename key/ }).click();
  const input = page.getByLabel("Key name");
  await expect(input).toBeFocused();
  await input.fill("discarded");
  await input.press("Escape");
  await expect(row.locator(".comment-text")).toHaveText("old-name");
  await expect(row.getByRole("button", { name: /Rename key/ })).toBeFocused();

  await row.getByRole("button", { name: /Rename key/ }).click();
  await page.getByLabel("Key name").fill("work laptop");
  await page.getByLabel("Key name").press("Enter");
  await expect(keyRow(page, "work laptop")).toBeVisible();
  await page.reload();
  await expect(keyRow(page, "work laptop")).toBeVisible();
});

test("a CLI request updates last used and the use count; revoking refuses the next request", async ({ page }) => {
  const user = unique("dave");
  addUser(user);
  const key = keygen("ed25519", "dave-ci");
  addKey(user, key);
  const spare = keygen("ecdsa", "dave-spare", 256);
  addKey(user, spare);
  // More kinds of keys, so the page (and the README screenshot) shows every status.
  const old = keygen("ed25519", "old-laptop");
  addKey(user, old);
  cliOk("keys", "revoke", old.fingerprint, "--reason", "replaced by dave-ci");
  const soon = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  cliOk("keys", "add", user, keygen("rsa", "build-server", 3072).pubPath, "--expires", soon);

  await signIn(page, user);
  const row = keyRow(page, "dave-ci");
  await expect(row).toContainText("Never used");
  await expect(row.locator(".cell-uses")).toHaveText("0");

  const r = whoami(user, key);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ username: user, scheme: "jwt", fingerprint: key.fingerprint });
  // A key's first use is written within about a second (later ones at most once a minute).
  await expect(async () => {
    await page.reload();
    await expect(keyRow(page, "dave-ci").locator(".cell-uses")).toHaveText("1", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(row.locator(".cell-last-used")).toContainText("JWT");
  await expect(row.locator(".cell-last-used")).toContainText("127.0.0.1");
  await expect(row.locator(".cell-last-used time")).toHaveText(/just now|minute/);
  await expect(row.locator(".cell-last-used time")).toHaveAttribute("title", /from 127\.0\.0\.1\nvia JWT/);
  await expect(keyRow(page, "build-server").locator(".badge")).toHaveText("Expiring soon");
  await expect(keyRow(page, "build-server")).toContainText("3072 bits");
  await expect(keyRow(page, "old-laptop").locator(".badge")).toHaveText("Revoked");
  // Best effort, for the picture only: another scheme on the spare key (the sshauth tests live elsewhere).
  cli("request", `${baseUrl}/whoami`, "--scheme", "sshauth", "--user", user, "--key", spare.path);
  await page.waitForTimeout(1500);
  await page.reload();
  await expect(keyRow(page, "dave-ci").locator(".cell-uses")).toHaveText("1");
  await shot(page, "keys-page");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "keys-page-dark");
  await page.emulateMedia({ colorScheme: "light" });

  // The detail page: MD5, kid, the OpenSSH text and the events.
  await row.getByRole("link", { name: "dave-ci" }).click();
  await expect(page.getByRole("heading", { name: "dave-ci" })).toBeVisible();
  await expect(page.getByText(/^MD5:[0-9a-f]{2}(:[0-9a-f]{2}){15}$/)).toBeVisible();
  await expect(page.getByTestId("use-count")).toHaveText("1");
  await expect(page.locator("pre.openssh")).toContainText(key.pub.split(" ").slice(0, 2).join(" "));
  await expect(page.locator(".events-table tbody tr")).toHaveCount(1);
  await expect(page.locator(".events-table tbody tr").first()).toContainText("Success");
  await shot(page, "key-detail");

  // Revoke with a reason, from the detail page.
  await page.getByRole("button", { name: "Revoke" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke this key?" });
  await dialog.getByLabel(/Reason/).fill("laptop stolen");
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Reason: laptop stolen")).toBeVisible();
  await expect(page.locator(".page-head .badge.status-revoked")).toHaveText("Revoked");

  const refused = whoami(user, key);
  expect(refused.code).not.toBe(0);
  expect(refused.stdout).toContain("key_revoked");
  // The other key still works.
  expect(whoami(user, spare).code).toBe(0);

  await page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: "SSH keys" }).click();
  await expect(keyRow(page, "dave-ci").locator(".badge")).toHaveText("Revoked");
  await expect(keyRow(page, "dave-ci")).toContainText("laptop stolen");
  await expect(keyRow(page, "dave-ci").getByRole("button", { name: /^Revoke/ })).toHaveCount(0);

  // Delete, with confirmation.
  await keyRow(page, "dave-ci")
    .getByRole("button", { name: /^Delete/ })
    .click();
  const del = page.getByRole("dialog", { name: "Delete this key?" });
  await expect(del.getByRole("button", { name: "Cancel" })).toBeFocused();
  await del.getByRole("button", { name: "Delete key" }).click();
  await expect(keyRow(page, "dave-ci")).toHaveCount(0);
  await expect(keyRow(page, "dave-spare")).toBeVisible();
});

test("readable on a phone (390 px): the keys table becomes cards", async ({ browser }) => {
  const user = unique("mia");
  addUser(user);
  addKey(user, keygen("ed25519", "phone"));
  const used = keygen("ecdsa", "tablet", 256);
  addKey(user, used);
  expect(whoami(user, used).code).toBe(0);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, user);
  await expect(keyRow(page, "phone")).toBeVisible();
  await expect(keyRow(page, "tablet")).toBeVisible();
  const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "keys-page-mobile");
  await page.getByRole("button", { name: "Add keys" }).first().click();
  await page.getByLabel("Public keys").fill(keygen("ed25519", "another").pub);
  await expect(page.getByText("1 key ready to add")).toBeVisible();
  await shot(page, "add-dialog-mobile", { fullPage: false });
  await context.close();
});

test('a weak key stored before the check is flagged "Unsafe key — refused" in the key list', async ({ page }) => {
  const user = unique("wendy");
  addUser(user);
  // Written straight into the database, as a version without the check would have stored it.
  const { openPrismaStore } = await import("../../strategy/store/prisma/store.js");
  const { fingerprintMd5, fingerprintSha256 } = await import("../../strategy/keys/index.js");
  const store = await openPrismaStore({ url: process.env.E2E_DATABASE_URL, migrate: false, keyCache: { enabled: false } });
  try {
    const point = Buffer.from("0100000000000000000000000000000000000000000000000000000000000000", "hex");
    const name = Buffer.from("ssh-ed25519");
    const length = (b: Buffer) => Buffer.from([0, 0, 0, b.length]);
    const blob = Buffer.concat([length(name), name, length(point), point]);
    const owner = await store.database.prisma.user.findUniqueOrThrow({ where: { username: user } });
    await store.database.prisma.publicKey.create({
      data: {
        userId: owner.id,
        type: "ssh-ed25519",
        bits: 256,
        openssh: `ssh-ed25519 ${blob.toString("base64")}`,
        fingerprintSha256: fingerprintSha256(blob),
        fingerprintMd5: fingerprintMd5(blob),
        kid: crypto.randomBytes(32).toString("hex"),
        comment: "identity-point",
      },
    });
  } finally {
    await store.close();
  }
  const honest = keygen("ed25519", "wendy-honest");
  addKey(user, honest);
  await signIn(page, user);
  await expect(keyRow(page, "identity-point").getByText("Unsafe key — refused")).toBeVisible();
  await expect(keyRow(page, "wendy-honest").getByText("Unsafe key — refused")).toHaveCount(0);
});
