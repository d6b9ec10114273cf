// Certificate authorities in the console: an admin trusts a CA, a user signs in with a
// certificate it signed (real `ssh-keygen -s`, the CLI's `request --cert`), the CA shows its
// last use, the user sees the login under their keys, and the admin revokes its serial.
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { addUser, baseUrl, cli, keygen, shot, signIn, unique, type SshKey } from "./support.js";

/** `passport-sshkey request <base>/whoami --scheme sshsig` signed as the certificate. */
function certificateRequest(username: string, key: SshKey, certPath: string) {
  return cli("request", `${baseUrl}/whoami`, "--scheme", "sshsig", "--user", username, "--key", key.path, "--cert", certPath);
}

test("an admin adds a CA, a certificate signs in, the CA shows its last use, the user sees the login, and the admin revokes the serial", async ({
  page,
  browser,
}) => {
  const admin = unique("root");
  addUser(admin, true);
  const alice = unique("alice");
  addUser(alice);
  const ca = keygen("ed25519", "corp-ca");
  const caName = unique("corp");
  const laptop = keygen("ed25519", "alice-laptop");
  const serial = "4242";
  const keyId = `${alice}@laptop`;
  execFileSync("ssh-keygen", ["-q", "-s", ca.path, "-I", keyId, "-n", alice, "-z", serial, "-V", "+1h", laptop.pubPath]);
  const certPath = laptop.path + "-cert.pub";
  expect(certificateRequest(alice, laptop, certPath).code).not.toBe(0);

  await signIn(page, admin);
  await page.getByRole("link", { name: "Certificate authorities" }).click();
  await expect(page.getByRole("heading", { name: "Certificate authorities" })).toBeVisible();

  await page.getByRole("button", { name: "Add CA" }).first().click();
  const add = page.getByRole("dialog", { name: "Add a certificate authority" });
  await expect(add.getByLabel("CA public key")).toBeFocused();
  await add.getByLabel("CA public key").fill(ca.pub);
  await add.getByRole("textbox", { name: /^Name/ }).fill(caName);
  await expect(add.getByLabel("Principal map")).toHaveValue("username");
  await shot(page, "authority-add");
  await add.getByRole("button", { name: "Add CA" }).click();
  await expect(add).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `Trusted ${caName}` })).toBeVisible();
  const row = page.locator(`tr[data-authority="${caName}"]`);
  await expect(row).toContainText(ca.fingerprint);
  await expect(row).toContainText("Never used");
  await expect(row.locator(".badge.status-active")).toHaveText("Trusted");

  // Trusted on the next request; the pasted certificate instead of the CA key is refused in the dialog.
  const ok = certificateRequest(alice, laptop, certPath);
  expect(ok.code, ok.stderr + ok.stdout).toBe(0);
  expect(ok.stdout).toContain(alice);

  await page.getByRole("button", { name: "Add CA" }).first().click();
  await add.getByLabel("CA public key").fill(execFileSync("cat", [certPath], { encoding: "utf8" }));
  await add.getByRole("textbox", { name: /^Name/ }).fill(unique("cert"));
  await add.getByRole("button", { name: "Add CA" }).click();
  await expect(add.getByRole("alert")).toContainText("not accepted");
  await add.getByRole("button", { name: "Cancel" }).click();

  await page.reload();
  await expect(row.locator('td[data-label="Last used"]')).not.toContainText("Never used");
  await shot(page, "authorities");

  // The auth log names the certificate and its CA.
  await page.getByRole("link", { name: "Auth log" }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.locator("table.events-table tbody tr").first()).toContainText(`via certificate ${keyId} (serial ${serial}) from CA ${caName}`, {
      timeout: 1000,
    });
  }).toPass();

  // The user sees their certificate login under their keys.
  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signIn(userPage, alice);
  const logins = userPage.getByRole("region", { name: "Certificate logins" });
  await expect(logins).toBeVisible();
  await expect(logins.locator("tbody tr").first()).toContainText(`via certificate ${keyId} (serial ${serial}) from CA ${caName}`);
  await expect(logins.locator("tbody tr").first()).toContainText("Success");
  await expect(userPage.getByRole("link", { name: "Certificate authorities" })).toHaveCount(0);
  await shot(userPage, "certificate-logins");

  // The admin revokes the serial; the next request with it is refused.
  await page.getByRole("link", { name: "Certificate authorities" }).click();
  await row.getByRole("button", { name: `Revoke certificates of ${caName}` }).click();
  const revoke = page.getByRole("dialog", { name: `Revoke certificates of ${caName}` });
  await expect(revoke.getByLabel("One certificate, by serial")).toBeChecked();
  await revoke.getByLabel("Serial", { exact: true }).fill(serial);
  await revoke.getByLabel("Reason (optional)").fill("laptop lost");
  await shot(page, "authority-revoke");
  await revoke.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(revoke).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `Revoked serial ${serial} of ${caName}` })).toBeVisible();
  await expect(row).toContainText("1 revocation");

  const refused = certificateRequest(alice, laptop, certPath);
  expect(refused.code).not.toBe(0);
  expect(refused.stdout + refused.stderr).toMatch(/certificate_revoked/);
  // The server writes events in batches: reload until the refusal is there.
  await expect(async () => {
    await userPage.reload();
    await expect(logins.locator("tbody tr").first()).toContainText("certificate_revoked", { timeout: 1000 });
  }).toPass();
  await expect(logins.locator("tbody tr").first()).toContainText(`serial ${serial}`);
  await userContext.close();

  // Removing asks first, then the row is gone.
  await row.getByRole("button", { name: `Remove ${caName}` }).click();
  const remove = page.getByRole("dialog", { name: "Remove this certificate authority?" });
  await expect(remove.getByRole("button", { name: "Cancel" })).toBeFocused();
  await remove.getByRole("button", { name: "Remove CA" }).click();
  await expect(remove).toBeHidden();
  await expect(row).toHaveCount(0);
});
