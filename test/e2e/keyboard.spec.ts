// A key's life by keyboard alone: add, rename, revoke, delete. After each step focus must be
// somewhere a keyboard user can go on from (never lost to the page's body).
import { expect, test, type Locator, type Page } from "@playwright/test";
import { addUser, keygen, keyRow, signIn, unique } from "./support.js";

/** Presses Tab (Shift+Tab with `back`) until `target` has focus; fails if it never does. */
async function tabTo(page: Page, target: Locator, options: { back?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (options.max ?? 60); i++) {
    if (await target.evaluate((el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement)) return;
    await page.keyboard.press(options.back ? "Shift+Tab" : "Tab");
  }
  await expect(target, "reachable with Tab").toBeFocused({ timeout: 1 });
}

test("add, rename, revoke and delete a key with the keyboard only, focus kept after each step", async ({ page }) => {
  const user = unique("keys-by-keyboard");
  addUser(user);
  const key = keygen("ed25519", "kbd-laptop");
  await signIn(page, user);

  // Add: the dialog opens on its text area; saving returns focus to the button that opened it.
  const addButton = page.getByRole("button", { name: "Add keys" }).first();
  await tabTo(page, addButton);
  await page.keyboard.press("Enter");
  const add = page.getByRole("dialog", { name: "Add SSH keys" });
  await expect(add.getByLabel("Public keys")).toBeFocused();
  await page.keyboard.insertText(key.pub);
  await expect(add.getByText("1 key ready to add")).toBeVisible();
  await tabTo(page, add.getByRole("button", { name: "Add key" }));
  await page.keyboard.press("Enter");
  await expect(add).toBeHidden();
  await expect(addButton).toBeFocused();
  await expect(keyRow(page, "kbd-laptop")).toBeVisible();
  // By id: while the name is edited the row shows a field, not the name.
  const row = page.locator(`tr[data-key-id="${await keyRow(page, "kbd-laptop").getAttribute("data-key-id")}"]`);

  // Rename in place: Enter on the pencil edits, Enter saves, focus returns to the pencil.
  await tabTo(page, row.getByRole("button", { name: "Rename key kbd-laptop" }));
  await page.keyboard.press("Enter");
  const name = row.getByLabel("Key name");
  await expect(name).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("kbd-workstation");
  await page.keyboard.press("Enter");
  const renamed = row;
  await expect(renamed).toContainText("kbd-workstation");
  await expect(renamed.getByRole("button", { name: "Rename key kbd-workstation" })).toBeFocused();

  // Revoke: the Revoke button goes with the key's active state; focus stays in the key's row.
  await tabTo(page, renamed.getByRole("button", { name: "Revoke kbd-workstation" }));
  await page.keyboard.press("Enter");
  const revoke = page.getByRole("dialog", { name: "Revoke this key?" });
  await expect(revoke.getByLabel(/Reason/)).toBeFocused();
  await page.keyboard.type("left on a train");
  await tabTo(page, revoke.getByRole("button", { name: "Revoke key" }));
  await page.keyboard.press("Enter");
  await expect(revoke).toBeHidden();
  await expect(renamed.locator(".badge")).toHaveText("Revoked");
  // Focus is on the row's action that took Revoke's place.
  await expect(renamed.getByRole("button", { name: "Delete kbd-workstation" })).toBeFocused();

  // Delete: the row goes; focus lands on the page's heading, from where Tab goes on.
  await page.keyboard.press("Enter");
  const remove = page.getByRole("dialog", { name: "Delete this key?" });
  await expect(remove).toBeVisible();
  await tabTo(page, remove.getByRole("button", { name: "Delete key" }));
  await page.keyboard.press("Enter");
  await expect(remove).toBeHidden();
  await expect(renamed).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1, name: "SSH keys" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.locator(":focus")).toBeVisible();
});
