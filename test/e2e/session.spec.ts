// The console session from the user's side: a sign-out the server never got keeps the user signed
// in (and says so); a session that ends under a half-filled dialog keeps the dialog.
import { expect, test } from "@playwright/test";
import { addUser, keygen, keyRow, signIn, unique } from "./support.js";

test("sign-out while the server cannot be reached says it failed and keeps the user signed in; a retry signs out", async ({ page }) => {
  const user = unique("otto");
  addUser(user);
  await signIn(page, user);
  await page.route("**/api/session/logout", (route) => route.abort("connectionrefused"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("alert")).toContainText("Sign-out failed, you are still signed in");
  await expect(page.getByText("You signed out.")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "SSH keys", exact: true })).toBeVisible();
  // The session is still valid: the API still answers.
  expect((await page.request.get("/admin/api/me")).status()).toBe(200);

  await page.unroute("**/api/session/logout");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You signed out.")).toBeVisible();
  expect((await page.request.get("/admin/api/me")).status()).toBe(401);
});

test("a session that ends under a half-filled Add keys dialog keeps it; after signing in again elsewhere the save goes through", async ({ page, context }) => {
  const user = unique("petra");
  addUser(user);
  const key = keygen("ed25519", "petra-laptop");
  await signIn(page, user);
  await page.getByRole("button", { name: "Add keys" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add SSH keys" });
  await dialog.getByLabel("Public keys").fill(key.pub);
  await expect(dialog.getByText("1 key ready to add")).toBeVisible();
  await dialog.getByLabel("Name for the key on line 1").fill("work laptop");

  // The session ends (expired, or signed out in another tab): the cookie is gone.
  await context.clearCookies();
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog.getByRole("alert")).toContainText("What you entered here is kept");
  await expect(dialog.getByLabel("Public keys")).toHaveValue(key.pub);
  await expect(dialog.getByLabel("Name for the key on line 1")).toHaveValue("work laptop");

  // Signed in again in another tab of the same browser, then continue here.
  const other = await context.newPage();
  await signIn(other, user);
  await other.close();
  await dialog.getByRole("button", { name: "I signed in again — continue" }).click();
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();
  await expect(keyRow(page, "work laptop")).toContainText(key.fingerprint);
});
