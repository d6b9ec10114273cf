// Issue 18 in the browser: "whose key is this?" from the All keys search, the inventory's
// totals, sorting, filters, CSV and bulk revoke, and the auth log's words, notices and checks.
import { expect, test } from "@playwright/test";
import { addKey, addUser, keygen, shot, signIn, unique, whoami } from "./support.js";

// Each test runs the CLI several times (users, keys, signed requests): give them room on a busy machine.
test.describe.configure({ timeout: 180_000 });

test("pasting a fingerprint or a public key into the All keys search lands on that key", async ({ page }) => {
  const admin = unique("finder");
  addUser(admin, true);
  const owner = unique("holder");
  addUser(owner);
  const key = keygen("ed25519", "holders-laptop");
  addKey(owner, key);
  const md5 = keygen("ed25519", "md5-found");
  addKey(owner, md5);

  await signIn(page, admin);
  await page.getByRole("link", { name: "All keys" }).click();
  await expect(page.getByRole("heading", { name: "All SSH keys" })).toBeVisible();
  const search = page.getByRole("searchbox", { name: /Search keys/ });
  await search.fill(key.pub);
  await search.press("Enter");
  await expect(page.getByRole("heading", { name: "holders-laptop" })).toBeVisible();

  await page.getByRole("link", { name: "All keys" }).click();
  await search.fill(key.fingerprint);
  await search.press("Enter");
  await expect(page.getByRole("heading", { name: "holders-laptop" })).toBeVisible();

  // The MD5 form, as ssh-keygen -E md5 -l prints it, read from the key's own page.
  await page.goto(`${new URL(page.url()).origin}/admin/inventory?user=${owner}`);
  await page.getByRole("link", { name: "md5-found" }).click();
  const md5Text = (await page.getByText(/^MD5:/).first().textContent())!.trim();
  await page.getByRole("link", { name: "All keys" }).click();
  await search.fill(md5Text);
  await search.press("Enter");
  await expect(page.getByRole("heading", { name: "md5-found" })).toBeVisible();

  await page.getByRole("link", { name: "All keys" }).click();
  await search.fill(keygen("ed25519", "nobodys").pub);
  await search.press("Enter");
  await expect(page.getByText("No stored key has this fingerprint")).toBeVisible();
});

test("the inventory filters by user, shows totals, sorts on the server, exports CSV and revokes selected keys with one reason", async ({ page }) => {
  const admin = unique("keeper");
  addUser(admin, true);
  const owner = unique("fleet");
  addUser(owner);
  const keys = ["fleet-a", "fleet-b", "fleet-c"].map((name) => keygen("ed25519", name));
  for (const key of keys) addKey(owner, key);
  expect(whoami(owner, keys[1]!).code).toBe(0);

  await signIn(page, admin);
  await page.goto(`${new URL(page.url()).origin}/admin/inventory`);
  await page.getByLabel("User").fill(owner);
  await page.getByLabel("User").press("Enter");
  await expect(page).toHaveURL(new RegExp(`user=${owner}`));
  const rows = page.locator("table.inventory-table tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole("group", { name: "Totals by status" })).toContainText("3 keys match");

  await page.getByRole("button", { name: "Key", exact: true }).click();
  await expect(page.getByRole("columnheader", { name: /Key/ }).first()).toHaveAttribute("aria-sort", "ascending");
  await expect(rows.first()).toContainText("fleet-a");
  await page.getByRole("button", { name: "Key", exact: true }).click();
  await expect(rows.first()).toContainText("fleet-c");
  await shot(page, "inventory");

  const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(csvHref).toContain(`user=${owner}`);
  const csv = await page.request.get(new URL(csvHref!, page.url()).href);
  expect(csv.status()).toBe(200);
  expect((await csv.text()).trimEnd().split("\r\n")).toHaveLength(4);

  await page.getByRole("checkbox", { name: "Select fleet-a" }).check();
  await page.getByRole("checkbox", { name: "Select fleet-b" }).check();
  await page.getByRole("button", { name: "Revoke selected (2)" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke 2 keys?" });
  await dialog.getByLabel(/Reason/).fill("fleet retired");
  await dialog.getByRole("button", { name: "Revoke 2 keys" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Revoked 2 keys." })).toBeVisible();
  await expect(rows.filter({ hasText: "fleet retired" })).toHaveCount(2);
  await page.getByRole("button", { name: /revoked/i }).click();
  await expect(rows).toHaveCount(2);
  expect(whoami(owner, keys[1]!).code).not.toBe(0);
});

test("the auth log gives reasons in words, says when a filter cannot match, and refuses From after To", async ({ page }) => {
  const admin = unique("reader");
  addUser(admin, true);
  const dora = unique("dora");
  addUser(dora);
  addKey(dora, keygen("ed25519", "dora-key"));
  expect(whoami(dora, keygen("ed25519", "unregistered")).code).not.toBe(0);

  await signIn(page, admin);
  await page.getByRole("link", { name: "Auth log" }).click();
  const rows = page.locator(".events-table tbody tr");
  await page.getByLabel("User").fill(dora.slice(0, -2));
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(rows).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(rows.first()).toContainText(/no registered key matches|the signature does not match/);
  await expect(page.getByRole("status").filter({ hasText: "1 event matches" })).toBeVisible();

  await page.getByLabel("User").fill("nobody-has-this-name");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("note")).toContainText("no user's name contains “nobody-has-this-name”");

  await page.getByLabel("From").fill("2030-02-01T00:00");
  await page.getByLabel("To").fill("2030-01-01T00:00");
  await expect(page.getByRole("alert")).toHaveText("From must be before To.");
  await expect(page.getByRole("button", { name: "Apply filters" })).toBeDisabled();
  await shot(page, "auth-log-filters");
});
