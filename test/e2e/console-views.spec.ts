// Every screen and dialog of the console (console-views.ts) at a laptop's and a phone's size, in
// light and dark, over a console the size people run (seed-console.ts): nothing scrolls
// sideways, every action is fully on screen, axe-core finds nothing. Screenshots of each land
// in test-results/screenshots/ (CI keeps them); UPDATE_README_SCREENSHOT=1 refreshes the
// README's picture from the laptop-sized light keys page.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { consoleViews } from "./console-views.js";
import { seedConsole, type SeededConsole } from "./seed-console.js";
import { root, screenshots, shot, signIn } from "./support.js";
import { colorSchemes, expectActionsInView, expectNoAxeViolations, expectNoHorizontalOverflow, viewports } from "./view-checks.js";

// Not serial: the tests share a signed-in page but change nothing, so one failure does not hide the rest.

let seed: SeededConsole;
let signedIn: Page;
let signedOut: Page;

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  seed = await seedConsole();
  // Other spec files add users and keys of their own to the same database.
  expect(seed.userCount).toBeGreaterThanOrEqual(60);
  expect(seed.keyCount).toBeGreaterThanOrEqual(230);
  signedIn = await freshPage(browser);
  await signIn(signedIn, seed.admin);
  signedOut = await freshPage(browser);
});

test.afterAll(async () => {
  await signedIn?.context().close();
  await signedOut?.context().close();
});

for (const view of consoleViews) {
  for (const viewport of viewports) {
    for (const scheme of colorSchemes) {
      const variant = `${view.name}-${viewport.name}-${scheme}`;
      // axe-core is the slow part: the phone in the dark scheme has no colours or structure the other three lack.
      const axeToo = viewport.width > 800 || scheme === "light";
      const checks = `fits, every action on screen${axeToo ? ", no axe violation" : ""}`;
      const dialogChecks = viewport.width > 800 ? "; its dialogs too" : "; its dialogs fit";
      test(`${view.name} at ${viewport.name}, ${scheme}: ${checks}${view.dialogs ? dialogChecks : ""}`, async () => {
        test.setTimeout(180_000);
        const page = view.signedOut ? signedOut : signedIn;
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`/admin/${view.path(seed)}`);
        await view.ready(page, seed);
        // First, so a failure below has its picture.
        await shot(page, variant, { fullPage: false });
        await expectNoHorizontalOverflow(page);
        await expectActionsInView(page);
        if (axeToo) await expectNoAxeViolations(page);
        if (variant === "keys-1280x800-light" && process.env.UPDATE_README_SCREENSHOT === "1") {
          fs.copyFileSync(path.join(screenshots, `${variant}.png`), path.join(root, "admin-ui", "screenshot-keys.png"));
        }

        for (const [i, dialog] of (view.dialogs ?? []).entries()) {
          await test.step(`dialog ${String(dialog.name)}`, async () => {
            await dialog.open(page, seed);
            const open = page.getByRole("dialog", { name: dialog.name });
            await expect(open).toBeVisible();
            await shot(page, `${variant}-dialog-${i + 1}`, { fullPage: false });
            await expectNoHorizontalOverflow(page);
            await expectActionsInView(page, "dialog[open]");
            if (viewport.width > 800) await expectNoAxeViolations(page, "dialog[open]");
            await page.keyboard.press("Escape");
            await expect(open).toBeHidden();
          });
        }
      });
    }
  }
}
