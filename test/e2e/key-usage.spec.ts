// The key page's usage chart: sign-ins through the server show as today's bar, with the totals
// in the summary and, for screen readers, in a table of the 30 days.
import { expect, test } from "@playwright/test";
import { addKey, addUser, baseUrl, cliOk, keygen, keyRow, shot, signIn, unique, whoami } from "./support.js";

test("a key's page charts its sign-ins per day: successes and refusals after its signature verified", async ({ page }) => {
  const user = unique("usage");
  addUser(user);
  const key = keygen("ed25519", "usage-laptop");
  addKey(user, key);
  for (let i = 0; i < 2; i++) expect(whoami(user, key).code).toBe(0);
  // One token used twice: the replay is refused after the key's signature verified, so it counts for the key.
  const header = cliOk("token", "jwt", "--user", user, "--key", key.path).trim();
  expect((await page.request.get(`${baseUrl}/whoami`, { headers: { authorization: header } })).status()).toBe(200);
  expect((await page.request.get(`${baseUrl}/whoami`, { headers: { authorization: header } })).status()).toBe(401);

  await signIn(page, user);
  await keyRow(page, "usage-laptop").getByRole("link", { name: "usage-laptop" }).click();
  await expect(page.getByRole("heading", { name: "usage-laptop" })).toBeVisible();
  const chart = page.getByTestId("usage-chart");
  // Counts are written by the activity flush (every second): reload until they are in.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("usage-summary")).toHaveText("3 successful sign-ins and 1 refusal in the last 30 days", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "Sign-ins per day" })).toBeVisible();
  await expect(chart.locator("svg rect.usage-ok")).toHaveCount(1);
  await expect(chart.locator("svg rect.usage-refused")).toHaveCount(1);
  const table = chart.getByRole("table", { name: /Sign-ins with this key per day/ });
  await expect(table.locator("tbody tr")).toHaveCount(30);
  const today = new Date().toISOString().slice(0, 10);
  await expect(table.getByRole("row", { name: new RegExp(today) })).toHaveText(`${today}31`);
  await shot(page, "key-usage");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "key-usage-dark");
});
