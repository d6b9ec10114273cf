// LDAP keys in the console: a key synced from a real slapd (`ldap sync` of the built CLI, on the
// server's database) is listed read-only (no rename, no delete), explained on its page, and can
// be revoked; administrators see the sync's last run on the Users page.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { adminDn, adminPassword, baseDn, startSlapd } from "../support/slapd.js";
import { addUser, keygen, keyRow, root, shot, signIn, unique, whoami } from "./support.js";

function ldapSync(url: string): string {
  const r = spawnSync(process.execPath, [path.join(root, "dist/bin/passport-sshkey.js"), "ldap", "sync"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: process.env.E2E_DATABASE_URL!,
      LDAP_URL: url,
      LDAP_BASE_DN: baseDn,
      LDAP_BIND_DN: adminDn,
      LDAP_BIND_PASSWORD: adminPassword,
    },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(r.stderr).toBe("");
  return r.stdout;
}

test("an LDAP key is read-only in the console, can be revoked, and the sync's status shows to admins", async ({ page }) => {
  const ldap = await startSlapd();
  try {
    const user = unique("ldap-erin");
    const key = keygen("ed25519", "erin-ldap");
    await ldap.addUser(user, [key.pub]);
    expect(ldapSync(ldap.url)).toContain(`created user ${user}`);
    expect(whoami(user, key).code).toBe(0);

    await signIn(page, user);
    const row = keyRow(page, "erin-ldap");
    await expect(row.locator(".ldap-badge")).toHaveText("LDAP");
    await expect(row.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
    await expect(row.getByRole("button", { name: /^Rename/ })).toHaveCount(0);
    await row.getByRole("link", { name: "erin-ldap" }).click();
    await expect(page.getByTestId("ldap-managed")).toContainText(`uid=${user},ou=people,${baseDn}`);
    await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Set expiry" })).toHaveCount(0);
    await shot(page, "ldap-key-detail");

    await page.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this key?" });
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.locator(".page-head .badge.status-revoked")).toHaveText("Revoked");
    expect(whoami(user, key).stdout).toContain("key_revoked");
    ldapSync(ldap.url);
    expect(whoami(user, key).stdout).toContain("key_revoked");

    const admin = unique("ldap-root");
    addUser(admin, true);
    await signIn(page, admin);
    await page.getByRole("link", { name: "Users" }).click();
    // Other specs share the database (the console-views seed adds 60 users): find the user by name.
    await page.goto(`/admin/users?q=${encodeURIComponent(user)}`);
    await expect(page.getByTestId("ldap-status")).toContainText("LDAP sync: last run");
    await expect(page.getByTestId("ldap-status")).toContainText("succeeded");
    await expect(page.locator(`tr[data-username="${user}"] .ldap-badge`)).toHaveText("LDAP");
    await shot(page, "ldap-users");
  } finally {
    await ldap.close();
  }
});
