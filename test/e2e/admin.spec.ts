// Administrators: users (create, add a key for, make admin, disable) and the authentication log.
import { expect, test } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fidoAuthorization, softwareFidoKey } from "../support/software-fido.js";
import { addKey, addUser, baseUrl, cli, cliOk, keygen, keyRow, shot, signIn, unique, whoami } from "./support.js";

test("an admin creates a user, adds a key for them, disables them, and their request is refused", async ({ page }) => {
  const admin = unique("root");
  addUser(admin, true);
  const bob = unique("bob");
  const bobKey = keygen("ed25519", "bob-laptop");

  await signIn(page, admin);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();

  await page.getByRole("button", { name: "New user" }).click();
  const create = page.getByRole("dialog", { name: "New user" });
  await expect(create.getByLabel("Username")).toBeFocused();
  await create.getByLabel("Username").fill(bob);
  await create.getByLabel("E-mail (optional)").fill(`${bob}@example.test`);
  await create.getByRole("button", { name: "Create user" }).click();
  await expect(create).toBeHidden();
  const row = page.locator(`tr[data-username="${bob}"]`);
  await expect(row).toContainText("Active");
  await expect(row.locator(".user-email")).toHaveText(`${bob}@example.test`);

  // The address is the one notices go to: changed here, it is what the CLI reads back.
  await row.getByRole("button", { name: `E-mail for ${bob}` }).click();
  const mail = page.getByRole("dialog", { name: `E-mail for ${bob}` });
  await mail.getByLabel("E-mail (optional)").fill(`${bob}@mail.example.test`);
  await mail.getByRole("button", { name: "Save e-mail" }).click();
  await expect(mail).toBeHidden();
  await expect(row.locator(".user-email")).toHaveText(`${bob}@mail.example.test`);
  const listed = (JSON.parse(cliOk("users", "list", "--json")) as { username: string; email: string | null }[]).find((u) => u.username === bob);
  expect(listed?.email).toBe(`${bob}@mail.example.test`);

  await row.getByRole("button", { name: `Add keys for ${bob}` }).click();
  const add = page.getByRole("dialog", { name: `Add SSH keys for ${bob}` });
  await add.getByLabel("Public keys").fill(bobKey.pub);
  await expect(add.getByText("1 key ready to add")).toBeVisible();
  await add.getByRole("button", { name: "Add key" }).click();
  await expect(add).toBeHidden();
  await expect(row.locator('td[data-label="Keys"]')).toHaveText("1");

  const ok = whoami(bob, bobKey);
  expect(ok.code, ok.stderr).toBe(0);

  await row.getByRole("button", { name: `Disable ${bob}` }).click();
  const confirm = page.getByRole("dialog", { name: "Disable user?" });
  await confirm.getByRole("button", { name: "Disable user" }).click();
  await expect(confirm).toBeHidden();
  await expect(row.locator(".badge.status-revoked")).toHaveText("Disabled");
  await expect(page.locator(`tr[data-username="${admin}"]`).getByRole("button", { name: `Disable ${admin}` })).toBeDisabled();
  await shot(page, "users");

  const refused = whoami(bob, bobKey);
  expect(refused.code).not.toBe(0);
  expect(refused.stdout).toMatch(/user_disabled|disabled/);
  expect(cli("console-link", bob).code).not.toBe(0);

  // Enabling restores access; an admin sees and manages the user's keys.
  await row.getByRole("button", { name: `Enable ${bob}` }).click();
  await page.getByRole("dialog", { name: "Enable user?" }).getByRole("button", { name: "Enable user" }).click();
  await expect(row.locator(".badge.status-active")).toHaveText("Active");
  expect(whoami(bob, bobKey).code).toBe(0);
  await row.getByRole("link", { name: `Keys of ${bob}` }).click();
  await expect(page.getByRole("heading", { name: `SSH keys of ${bob}` })).toBeVisible();
  await expect(keyRow(page, "bob-laptop")).toBeVisible();
});

test("the auth log shows successes and failures, filtered by user, outcome and key", async ({ page }) => {
  const admin = unique("auditor");
  addUser(admin, true);
  const carol = unique("carol");
  addUser(carol);
  const key = keygen("ed25519", "carol-key");
  addKey(carol, key);
  const stranger = keygen("ed25519", "not-registered");
  expect(whoami(carol, key).code).toBe(0);
  expect(whoami(carol, stranger).code).not.toBe(0);
  expect(whoami(carol, key).code).toBe(0);

  await signIn(page, admin);
  await page.getByRole("link", { name: "Auth log" }).click();
  await expect(page.getByRole("heading", { name: "Authentication log" })).toBeVisible();
  const rows = page.locator(".events-table tbody tr");
  // Events are written in batches; refresh until carol's three attempts are in.
  await page.getByLabel("User").fill(carol);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/events\\?user=${carol}`));
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(rows).toHaveCount(3, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(rows.filter({ hasText: "Success" })).toHaveCount(2);
  await expect(rows.filter({ hasText: "Failure" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Failure" })).toContainText(/bad_signature|unknown_key/);
  await expect(rows.filter({ hasText: "Success" }).first()).toContainText("carol-key");
  await expect(rows.first()).toContainText("JWT");
  await shot(page, "auth-log");

  await page.getByLabel("Outcome").selectOption("failure");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Failure");

  await page.getByLabel("Outcome").selectOption("success");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(2);

  // Following a key goes to its page; its "open in the auth log" filters by key.
  await rows.first().getByRole("link", { name: "carol-key" }).click();
  await expect(page.getByRole("heading", { name: "carol-key" })).toBeVisible();
  await page.getByRole("link", { name: "Open in the auth log" }).click();
  await expect(page).toHaveURL(/\/admin\/events\?key=/);
  await expect(rows).toHaveCount(2);

  // A time range in the future matches nothing.
  await page.getByLabel("From").fill("2099-01-01T00:00");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/admin\/events$/);
  await expect(rows.first()).toBeVisible();
});

test("a security key whose signature counter went backwards shows an Alarm in the auth log", async ({ page }) => {
  const admin = unique("warden");
  addUser(admin, true);
  const dave = unique("dave");
  addUser(dave);
  const fido = softwareFidoKey("ecdsa", "ssh:", "dave-yubikey");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-e2e-fido-"));
  fs.writeFileSync(path.join(dir, "id_ecdsa_sk.pub"), `${fido.publicLine}\n`);
  cliOk("keys", "add", dave, path.join(dir, "id_ecdsa_sk.pub"));
  fs.rmSync(dir, { recursive: true, force: true });
  const host = new URL(baseUrl).host;
  for (const counter of [5, 3]) {
    const r = await fetch(`${baseUrl}/whoami`, { headers: { authorization: fidoAuthorization(fido, { username: dave, host, counter }) } });
    expect(r.status).toBe(200);
  }

  await signIn(page, admin);
  await page.getByRole("link", { name: "Auth log" }).click();
  await page.getByLabel("User").fill(dave);
  await page.getByRole("button", { name: "Apply filters" }).click();
  const rows = page.locator(".events-table tbody tr");
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(rows).toHaveCount(3, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const alarm = page.locator('.events-table tbody tr[data-outcome="alarm"]');
  await expect(alarm).toHaveCount(1);
  await expect(alarm.locator(".badge.outcome-alarm")).toHaveText("⚠ Alarm");
  await expect(alarm).toContainText("sign_counter_regressed");
  await expect(rows.filter({ hasText: "Success" })).toHaveCount(2);
  await shot(page, "auth-log-alarm");

  await page.getByLabel("Outcome").selectOption("alarm");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("dave-yubikey");
});
