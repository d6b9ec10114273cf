// The key page's scopes, rate limit and lockout: an administrator edits the limits, sees a key
// locked after failed attempts ("locked until … (N failed attempts)") and unlocks it.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { baseUrl, cli, cliOk, keygen, keyRow, addUser, shot, signIn, unique } from "./support.js";

test("an administrator edits a key's scopes and rate limit, sees it locked after failed attempts and unlocks it", async ({ page }) => {
  test.setTimeout(120_000);
  const user = unique("limits");
  addUser(user, true);
  const key = keygen("ed25519", "limits-bot");
  // Allowed only from an address the test is not at: every sign-in is refused after the signature verified.
  const fenced = `${key.pubPath}.fenced`;
  fs.writeFileSync(fenced, `from="192.0.2.1" ${key.pub}\n`);
  cliOk("keys", "add", user, fenced);

  await signIn(page, user);
  await keyRow(page, "limits-bot").getByRole("link", { name: "limits-bot" }).click();
  await expect(page.getByRole("heading", { name: "limits-bot" })).toBeVisible();
  await expect(page.getByTestId("key-scopes")).toHaveText("Unrestricted");
  await expect(page.getByTestId("key-rate-limit")).toHaveText("None of its own");

  await page.getByLabel("Scopes", { exact: true }).fill("Deploy!");
  await page.getByRole("button", { name: "Save limits" }).click();
  await expect(page.getByRole("alert")).toContainText('"Deploy!" is not a scope name');

  await page.getByLabel("Scopes", { exact: true }).fill("read, deploy");
  await page.getByLabel("Rate limit", { exact: true }).fill("100/1m");
  await page.getByRole("button", { name: "Save limits" }).click();
  await expect(page.getByTestId("key-scopes")).toHaveText("deploy read");
  await expect(page.getByTestId("key-rate-limit")).toHaveText("100 sign-ins per 60 s");
  const listed = JSON.parse(cliOk("keys", "list", user, "--json")) as Array<{ scopes: string[]; rateLimit: unknown }>;
  expect(listed[0]).toMatchObject({ scopes: ["deploy", "read"], rateLimit: { count: 100, windowSeconds: 60 } });

  // The server's default lockout: 10 consecutive refusals after the signature verified.
  for (let i = 0; i < 10; i++) expect(cli("request", `${baseUrl}/whoami`, "--user", user, "--key", key.path).code).not.toBe(0);
  await page.reload();
  await expect(page.getByTestId("key-locked")).toContainText(/Locked until .+ \(10 failed attempts\)/);
  await shot(page, "key-locked");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByTestId("key-locked")).toHaveCount(0);
  await expect(page.getByTestId("key-failed-attempts")).toHaveText("0");
});
