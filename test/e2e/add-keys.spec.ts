// The Add keys dialog with several keys: a name per key, a key split over two lines, good and bad
// lines mixed, and a key someone else registered.
import { expect, test } from "@playwright/test";
import { addKey, addUser, keygen, keyRow, signIn, unique } from "./support.js";

test("a multi-key paste names each key on its own; a split key is one clear problem; good lines can be added with the bad ones skipped", async ({ page }) => {
  const user = unique("quinn");
  addUser(user);
  const [a, b, c] = [keygen("ed25519", "quinn-a"), keygen("ed25519", "quinn-b"), keygen("rsa", "quinn-c", 3072)];
  await signIn(page, user);
  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  const text = dialog.getByLabel("Public keys");

  // An RSA line wrapped in two: one problem that says what to do.
  await text.fill(`${c.pub.slice(0, 200)}\n${c.pub.slice(200)}\n`);
  await expect(dialog.locator(".preview-item.bad")).toHaveCount(1);
  await expect(dialog.locator(".preview-item.bad")).toContainText("This key seems split over two lines (1 and 2): join them into one line.");

  // Two good keys, one bad line between them.
  await text.fill(`${a.pub}\nnot a key at all\n${b.pub}\n`);
  await expect(dialog.getByText("1 problem found: fix or remove that line, or skip it (2 keys fine)")).toBeVisible();
  const add = dialog.getByRole("button", { name: "Add 2 keys" });
  await expect(add).toBeDisabled();
  await dialog.getByLabel("Name for the key on line 1").fill("laptop");
  await dialog.getByLabel("Name for the key on line 3").fill("desktop");
  await dialog.getByRole("checkbox", { name: /Skip the 1 line that cannot be added/ }).check();
  await add.click();
  await expect(dialog).toBeHidden();
  await expect(keyRow(page, "laptop")).toContainText(a.fingerprint);
  await expect(keyRow(page, "desktop")).toContainText(b.fingerprint);
});

test("a key already registered to another account is marked in the preview without naming who holds it", async ({ page }) => {
  const [owner, other] = [unique("rita"), unique("sam")];
  addUser(owner);
  addUser(other);
  const key = keygen("ed25519", "rita-key");
  addKey(owner, key);
  await signIn(page, other);
  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  await dialog.getByLabel("Public keys").fill(key.pub);
  const item = dialog.locator(".preview-item.registered");
  await expect(item).toContainText("Already registered to another account.");
  await expect(item).not.toContainText(owner);
  await expect(dialog.locator(".preview-item.ok")).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Add key" })).toBeDisabled();
});

test("focus after revoke and delete lands on a row's action, never on the page body; exact times open by keyboard", async ({ page }) => {
  const user = unique("tove");
  addUser(user);
  const [first, second] = [keygen("ed25519", "tove-one"), keygen("ed25519", "tove-two")];
  addKey(user, first);
  addKey(user, second);
  await signIn(page, user);

  const row = keyRow(page, "tove-one");
  await row.getByRole("button", { name: "Revoke tove-one" }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /^Revoke/ })
    .click();
  await expect(row.locator(".badge")).toHaveText("Revoked");
  // The Revoke button is gone with the key's active state: focus goes to the row's next action.
  await expect(row.getByRole("button", { name: "Delete tove-one" })).toBeFocused();

  await page.keyboard.press("Enter");
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /^Delete/ })
    .click();
  await expect(row).toHaveCount(0);
  // The row is gone: focus moves to the neighbouring key's row, never to the page body.
  await expect(page.locator("body")).not.toBeFocused();
  await expect(keyRow(page, "tove-two").locator(":focus")).toHaveCount(1);

  // The "Added" time opens to the exact time with the keyboard: no tooltip needed.
  const added = keyRow(page, "tove-two").locator("td[data-label=Added] summary");
  await added.focus();
  await page.keyboard.press("Enter");
  await expect(keyRow(page, "tove-two").locator("td[data-label=Added] .exact")).toBeVisible();
});
