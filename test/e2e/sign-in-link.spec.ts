// Sign-in links in a browser: opening one (or a chat preview fetching it) does not use it up,
// the Sign in button does; a used, expired or mistyped link is a page in the console's look.
import { expect, test } from "@playwright/test";
import { addUser, cliOk, baseUrl, shot, unique } from "./support.js";

const newLink = (user: string) => cliOk("console-link", user, "--base-url", baseUrl).trim();

test("a link preview does not use the link; the page's Sign in button does, and a second use is a styled page", async ({ page }) => {
  const user = unique("lena");
  addUser(user);
  const link = newLink(user);

  // What a chat or mail client does with a link it shows: fetch it.
  const preview = await page.request.get(link, { headers: { accept: "text/html" } });
  expect(preview.status()).toBe(200);
  expect(preview.headers()["referrer-policy"]).toBe("no-referrer");

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Sign in to the SSH key console" })).toBeVisible();
  await expect(page.getByText(`signs you in as ${user}`)).toBeVisible();
  // Styled by the console's own stylesheet: the sign-in card has its background and border.
  await expect(page.locator(".signin-card")).toHaveCSS("border-top-style", "solid");
  await shot(page, "sign-in-link");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This sign-in link has already been used" })).toBeVisible();
  await expect(page.getByText("passport-sshkey console-link YOUR_NAME")).toBeVisible();
  await expect(page.locator("pre, body")).not.toContainText('"error"');
  await shot(page, "sign-in-link-used");
  await page.getByRole("link", { name: "Go to the console" }).click();
  await expect(page).toHaveURL(/\/admin\/$/);
});

test("a mistyped link is a page with the next step, and the page works in dark mode", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  const response = await page.goto("/admin/login/this-link-was-cut-off");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "This sign-in link is not valid" })).toBeVisible();
  await expect(page.getByText("Check that the whole link was copied")).toBeVisible();
  await expect(page.locator(".signin-card")).not.toHaveCSS("background-color", "rgb(255, 255, 255)");
});

test("a link opened in a new browser after the session ended lands on the page the user was on", async ({ page }) => {
  const user = unique("nils");
  addUser(user);
  await page.goto("/admin/keys?status=revoked");
  await expect(page.getByRole("heading", { name: "Sign in to the SSH key console" })).toBeVisible();
  await page.goto(newLink(user));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/keys\?status=revoked$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});
