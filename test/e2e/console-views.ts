// Every screen of the console (each route of admin-ui/src/App.tsx) and every dialog it opens, in
// one table: the layout, accessibility and screenshot specs run over all of them. A new page or
// dialog is one more entry here.
import { expect, type Locator, type Page } from "@playwright/test";
import { keyRow } from "./support.js";
import type { SeededConsole } from "./seed-console.js";

export interface ConsoleDialog {
  /** The dialog's accessible name once open. */
  name: string | RegExp;
  /** Opens it from the view's page (already loaded). */
  open(page: Page, seed: SeededConsole): Promise<void>;
}

export interface ConsoleView {
  /** Names the test and the screenshot. */
  name: string;
  /** Under /admin/. */
  path(seed: SeededConsole): string;
  /** Waits until the view shows its content. */
  ready(page: Page, seed: SeededConsole): Promise<void>;
  /** Shown without a session. */
  signedOut?: boolean;
  dialogs?: ConsoleDialog[];
}

const heading = (page: Page, name: string | RegExp) => expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
const rows = (page: Page, table: string) => expect(page.locator(`table.${table} tbody tr`).first()).toBeVisible();
const click = (locator: Locator) => locator.click();
/** A list page is ready when its heading and its table's first row show. */
const listReady = (title: string, table: string) => async (page: Page) => {
  await heading(page, title);
  await rows(page, table);
};

export const consoleViews: ConsoleView[] = [
  {
    name: "signed-out",
    signedOut: true,
    path: () => "",
    ready: (page) => heading(page, "Sign in to the SSH key console"),
  },
  {
    name: "keys",
    path: () => "",
    ready: async (page) => {
      await heading(page, "SSH keys");
      await rows(page, "keys-table");
      await expect(page.getByRole("heading", { name: "JWKS URLs" })).toBeVisible();
    },
    dialogs: [
      {
        name: "Add SSH keys",
        open: async (page) => {
          await click(page.getByRole("button", { name: "Add keys" }));
          // With a preview of a good line and a bad one: the dialog at its fullest.
          await page.getByLabel("Public keys").fill("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl laptop\nnot a key\n");
          await expect(page.getByRole("dialog").locator(".preview-list li, .preview li").first()).toBeVisible();
        },
      },
      { name: "Import keys", open: (page) => click(page.getByRole("button", { name: "Import from GitHub/GitLab/URL" })) },
      { name: "Verify this key", open: (page) => click(page.getByRole("button", { name: /^Verify / }).first()) },
      { name: "Revoke this key?", open: (page) => click(page.getByRole("button", { name: /^Revoke / }).first()) },
      { name: "Delete this key?", open: (page) => click(page.getByRole("button", { name: /^Delete / }).first()) },
    ],
  },
  {
    name: "key-detail",
    path: (seed) => `keys/${encodeURIComponent(seed.detailKeyId)}`,
    ready: async (page) => {
      await heading(page, /maximiliane@build-runner/);
      await rows(page, "events-table");
      // Scoped, rate-limited and locked (seed-console.ts): the limits panel at its fullest.
      await expect(page.getByTestId("key-locked")).toBeVisible();
    },
  },
  {
    name: "user-keys",
    path: (seed) => `keys?user=${encodeURIComponent(seed.longUser)}`,
    ready: async (page, seed) => {
      await heading(page, `SSH keys of ${seed.longUser}`);
      await rows(page, "keys-table");
    },
  },
  {
    name: "all-keys",
    path: () => "keys?all=1",
    ready: async (page) => {
      await heading(page, "All SSH keys");
      await expect(keyRow(page, "@host-").first()).toBeVisible();
    },
  },
  {
    name: "users",
    path: () => "users",
    ready: listReady("Users", "users-table"),
    dialogs: [
      { name: "New user", open: (page) => click(page.getByRole("button", { name: "New user" })) },
      { name: /^E-mail for /, open: (page) => click(page.getByRole("button", { name: /^E-mail for / }).first()) },
      { name: /^Add SSH keys for /, open: (page) => click(page.getByRole("button", { name: /^Add keys for / }).first()) },
      { name: "Make administrator?", open: (page) => click(page.getByRole("button", { name: /^Make admin: / }).first()) },
      { name: "Disable user?", open: (page) => click(page.getByRole("button", { name: /^Disable / }).first()) },
    ],
  },
  {
    name: "events",
    path: () => "events",
    ready: listReady("Authentication log", "events-table"),
  },
  {
    name: "authorities",
    path: () => "authorities",
    ready: listReady("Certificate authorities", "authorities-table"),
    dialogs: [
      { name: "Add a certificate authority", open: (page) => click(page.getByRole("button", { name: "Add CA" })) },
      { name: /^Revoke certificates of /, open: (page) => click(page.getByRole("button", { name: /^Revoke certificates of / }).first()) },
      { name: "Remove this certificate authority?", open: (page) => click(page.getByRole("button", { name: /^Remove Corporate/ }).first()) },
    ],
  },
  {
    name: "inventory",
    path: () => "inventory",
    ready: async (page) => {
      await heading(page, "All SSH keys");
      await rows(page, "inventory-table");
      await expect(page.getByRole("group", { name: "Totals by status" })).toBeVisible();
    },
    dialogs: [
      {
        name: /^Revoke \d+ keys\?$/,
        open: async (page) => {
          await page.getByRole("checkbox", { name: "Select every key on the page that can be revoked" }).check();
          await click(page.getByRole("button", { name: /^Revoke selected/ }));
        },
      },
    ],
  },
  {
    name: "webhooks",
    path: () => "webhooks",
    ready: async (page) => {
      await heading(page, "Webhooks");
      await expect(page.locator("tr[data-webhook]").first()).toBeVisible();
    },
  },
  {
    name: "policy",
    path: () => "policy",
    ready: async (page) => {
      await heading(page, "Key policy");
      await expect(page.getByRole("form", { name: "Key policy" }).getByLabel("Minimum RSA bits")).toBeVisible();
    },
  },
  {
    name: "audit",
    path: () => "audit",
    ready: async (page) => {
      await heading(page, "Audit log");
      await expect(page.locator('table.audit-table tbody tr[data-action="key.revoked"]').first()).toBeVisible();
    },
  },
  {
    name: "sign-in-link",
    signedOut: true,
    path: (seed) => seed.signInLink,
    ready: async (page, seed) => {
      await heading(page, "Sign in to the SSH key console");
      await expect(page.getByText(`signs you in as ${seed.longUser}`)).toBeVisible();
    },
  },
  {
    name: "sign-in-link-invalid",
    signedOut: true,
    path: () => "login/this-link-was-cut-off",
    ready: (page) => heading(page, "This sign-in link is not valid"),
  },
  {
    name: "not-found",
    path: () => "no-such-page",
    ready: async (page) => {
      await heading(page, "Page not found");
      await expect(page.getByRole("alert").getByText("Page not found")).toBeVisible();
    },
  },
];
