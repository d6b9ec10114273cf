// The audit log in the console: an administrator disables a user, finds the change (with its
// actor, address and before/after) on the Audit log page next to the CLI's own entries,
// filters it, and exports the filtered log as CSV.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { addUser, shot, signIn, unique } from "./support.js";

test("an admin disables a user, sees it in the audit log, filters it and exports it", async ({ page }) => {
  const admin = unique("root");
  addUser(admin, true);
  const bob = unique("bob");
  addUser(bob);

  await signIn(page, admin);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByRole("button", { name: `Disable ${bob}` }).click();
  await page.getByRole("dialog", { name: "Disable user?" }).getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const disabled = page.locator('table.audit-table tbody tr[data-action="user.disabled"]').filter({ hasText: bob });
  await expect(disabled).toHaveCount(1);
  await expect(disabled.locator('td[data-label="Actor"]')).toHaveText(admin);
  await expect(disabled.locator('td[data-label="Change"]')).toContainText("disabledfalse → true");
  await expect(disabled.locator('td[data-label="From"]')).toContainText(/127\.0\.0\.1|::1/);
  // The CLI's entry: who created bob, as the operating-system user.
  const created = page.locator('table.audit-table tbody tr[data-action="user.created"]').filter({ hasText: bob });
  await expect(created.locator('td[data-label="Actor"]')).toContainText("CLI (");
  await shot(page, "audit");

  // Filter to bob's entries by clicking his name, then to one action through the form.
  await disabled.getByRole("button", { name: bob }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?target=${bob}$`));
  await expect(page.locator("table.audit-table tbody tr")).toHaveCount(2);
  await page.getByLabel("Action").selectOption({ label: "User disabled" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.locator("table.audit-table tbody tr")).toHaveCount(1);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, "utf8").trimEnd().split("\r\n");
  expect(csv).toHaveLength(2);
  expect(csv[0]).toMatch(/^"at","action","actor_type","actor"/);
  expect(csv[1]).toContain(`"user.disabled","user","${admin}"`);
});
