// The key policy page: an admin raises the RSA floor in the console, a user's 2048-bit key is
// refused at sign-in with key_policy, the key list says why, and lowering it lets the key in again.
import { expect, test } from "@playwright/test";
import { addKey, addUser, cliOk, keygen, keyRow, shot, signIn, unique, whoami } from "./support.js";

// Several CLI runs (each a process start) besides the browser steps.
test.setTimeout(180_000);

test("an admin tightens the key policy, the key that breaks it is refused and marked with the reason, and relaxing it lets the key in", async ({ page }) => {
  const admin = unique("root");
  addUser(admin, true);
  const alice = unique("alice");
  addUser(alice);
  const comment = unique("old-rsa");
  const rsa = keygen("rsa", comment, 2048);
  addKey(alice, rsa);
  expect(whoami(alice, rsa).code).toBe(0);

  try {
    await signIn(page, admin);
    await page.getByRole("link", { name: "Key policy" }).click();
    await expect(page.getByRole("heading", { name: "Key policy" })).toBeVisible();
    const form = page.getByRole("form", { name: "Key policy" });
    await expect(form.getByLabel("Minimum RSA bits")).toHaveValue("2048");
    await expect(form.getByRole("checkbox", { name: /Ed25519 security key/ })).toBeChecked();
    await form.getByLabel("Minimum RSA bits").fill("3072");
    await form.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Key policy saved." })).toBeVisible();
    await expect(page.getByTestId("breaking-keys")).toContainText(/[1-9]\d* stored keys? breaks?/);
    await shot(page, "policy");

    // Another process (the CLI) holds the key: refused by the server within a second of the save.
    await expect(async () => {
      const refused = whoami(alice, rsa);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr + refused.stdout).toContain("key_policy");
      expect(refused.stderr + refused.stdout).toContain("RSA keys must have at least 3072 bits (this key has 2048)");
    }).toPass({ timeout: 5000 });

    // The user's own key list, as an admin opens it from the Users page.
    await page.goto(`/admin/keys?user=${encodeURIComponent(alice)}&q=${encodeURIComponent(comment)}`);
    const row = keyRow(page, comment);

    // Pasting a key the policy refuses: the preview says why before anything is saved.
    await page.getByRole("button", { name: "Add keys" }).first().click();
    const add = page.getByRole("dialog", { name: /^Add SSH keys/ });
    await add.getByLabel("Public keys").fill(keygen("rsa", unique("small-rsa"), 2048).pub);
    await expect(add.getByTestId("policy-break")).toContainText("Breaks the key policy: RSA keys must have at least 3072 bits (this key has 2048)");
    await expect(add.getByRole("button", { name: /^Add \d* ?keys?$/ })).toBeDisabled();
    await add.getByRole("button", { name: "Cancel" }).click();
    await expect(row.locator(".badge.status-policy")).toHaveText("Breaks policy");
    await expect(row).toContainText("RSA keys must have at least 3072 bits (this key has 2048)");

    // Hostile input in the form is refused by the server naming the field, and nothing changes.
    await page.getByRole("link", { name: "Key policy" }).click();
    // .all() does not wait: the form must have loaded the stored policy first.
    await expect(form.getByLabel("Minimum RSA bits")).toHaveValue("3072");
    for (const box of await form.getByRole("checkbox", { name: /\(|security key|Ed25519|ECDSA|RSA|Certificates/ }).all()) {
      if ((await box.getAttribute("name")) === "key-type") await box.uncheck();
    }
    await form.getByRole("button", { name: "Save policy" }).click();
    await expect(form.getByRole("alert")).toContainText("keyTypes: allow at least one key type");

    await page.reload();
    await form.getByLabel("Minimum RSA bits").fill("2048");
    await form.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Key policy saved." })).toBeVisible();
    await expect(async () => expect(whoami(alice, rsa).code).toBe(0)).toPass({ timeout: 5000 });
  } finally {
    // The server and its database are shared with the other specs.
    cliOk("policy", "set", "--reset");
  }
});
