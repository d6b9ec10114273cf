// Importing keys in the console: a user imports their list from a URL (a loopback server playing
// GitHub), the key is listed unverified with its source and refused at sign-in, the Verify dialog
// shows the ssh-keygen command with a copy button, the signature it prints verifies the key, and
// the key signs in; "Sync now" reads the list again.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { startFakeForge } from "../support/fake-forge.js";
import { addUser, keygen, keyRow, shot, signIn, unique, whoami } from "./support.js";

test("import from a URL → verify with the copied command → the key becomes active and signs in", async ({ page, context }) => {
  const alice = unique("alice");
  addUser(alice);
  const key = keygen("ed25519", "imported-laptop");
  const forge = await startFakeForge();
  try {
    forge.answers.set(`/${alice}.keys`, { body: `${key.pub}\n` });
    const listUrl = `${forge.url}/${alice}.keys`;
    await signIn(page, alice);
    await page.getByRole("button", { name: "Import from GitHub/GitLab/URL" }).click();
    const importDialog = page.getByRole("dialog", { name: "Import keys" });
    await importDialog.getByLabel("From GitHub, GitLab or a URL").fill(listUrl);
    await importDialog.getByRole("button", { name: "Import keys" }).click();
    await expect(page.getByRole("status").filter({ hasText: `${listUrl}: 1 added (unverified)` })).toBeVisible();

    const row = keyRow(page, "imported-laptop");
    await expect(row.locator(".badge.status-unverified")).toHaveText("Unverified");
    await expect(row.locator(".source-pill")).toHaveText(listUrl);
    const refused = whoami(alice, key);
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toContain("key_unverified");

    const sources = page.getByRole("region", { name: "Import sources" });
    await expect(sources.locator(`tr[data-key-source="${listUrl}"]`)).toContainText("OK");

    await row.getByRole("button", { name: "Verify imported-laptop" }).click();
    const verify = page.getByRole("dialog", { name: "Verify this key" });
    const command = (await verify.getByTestId("verify-command").textContent())!;
    expect(command).toMatch(/^echo -n 'passport-sshkey verify SHA256:\S+ [\w-]+' \| ssh-keygen -Y sign -n passport-sshkey-verify -f ~\/\.ssh\/id_ed25519$/);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await verify.getByRole("button", { name: "Copy command" }).click();
    await expect(verify.getByRole("status").filter({ hasText: "Copied" })).toBeAttached();
    // Runs in the page (the DOM's navigator); this file is type-checked without the DOM library.
    const copied = await page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
    expect(copied).toBe(command);
    await shot(page, "key-import-verify");

    const signature = execFileSync("sh", ["-c", copied.replace("~/.ssh/id_ed25519", key.path)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    await verify.getByLabel(/^Signature/).fill(signature);
    await verify.getByRole("button", { name: "Verify key" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Verified imported-laptop: it signs in now." })).toBeVisible();
    await expect(row.locator(".badge.status-active")).toHaveText("Active");
    expect(whoami(alice, key).code).toBe(0);

    await sources.getByRole("button", { name: `Sync now: ${listUrl}` }).click();
    await expect(sources.getByRole("status").filter({ hasText: `${listUrl}: 0 added (unverified), 0 revoked, 1 unchanged.` })).toBeVisible();
  } finally {
    await forge.close();
  }
});
