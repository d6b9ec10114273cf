// Helpers for the browser tests: the built CLI on the same database as the server, fresh SSH keys, sign-in.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { keygenFingerprint, sshKeygen } from "../support/ssh-keygen.js";

export const root = path.resolve(import.meta.dirname, "../..");
export const baseUrl = process.env.E2E_BASE_URL!;
const databaseUrl = process.env.E2E_DATABASE_URL!;
const tmp = process.env.E2E_TMP_DIR!;
export const screenshots = path.join(root, "test-results", "screenshots");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/bin/passport-sshkey.js …` against the server's database. */
export function cli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [path.join(root, "dist/bin/passport-sshkey.js"), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", SSH_AUTH_SOCK: "" },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliOk(...args: string[]): string {
  const r = cli(...args);
  if (r.code !== 0) throw new Error(`passport-sshkey ${args.join(" ")} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A name unique to this run (tests may be retried against the same database). */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(3).toString("hex")}`;
}

export interface SshKey {
  path: string;
  pubPath: string;
  pub: string;
  fingerprint: string;
}

/** A fresh key pair from ssh-keygen, e.g. ("ed25519") or ("ecdsa", 256) or ("rsa", 1024). */
export function keygen(type: string, comment: string, bits?: number): SshKey {
  const file = sshKeygen(tmp, `${comment}-${crypto.randomBytes(4).toString("hex")}`, ["-t", type, ...(bits ? ["-b", String(bits)] : [])], comment);
  return { path: file, pubPath: `${file}.pub`, pub: fs.readFileSync(`${file}.pub`, "utf8").trim(), fingerprint: keygenFingerprint(`${file}.pub`) };
}

export function addUser(username: string, admin = false): void {
  cliOk("users", "add", username, ...(admin ? ["--admin"] : []));
}

export function addKey(username: string, key: SshKey): void {
  cliOk("keys", "add", username, key.pubPath);
}

/** `passport-sshkey request <base>/whoami` signed with a key file. */
export function whoami(username: string, key: SshKey): CliResult {
  return cli("request", `${baseUrl}/whoami`, "--user", username, "--key", key.path);
}

/** Signs the browser in with a one-time link from `console-link`. */
export async function signIn(page: Page, username: string): Promise<void> {
  const link = cliOk("console-link", username, "--base-url", baseUrl).trim();
  expect(link).toMatch(/\/admin\/login\/[\w-]{43}$/);
  await page.goto(link);
  // The link's page only shows a button: opening it (or a chat preview) does not use the link up.
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** The table row of a key, found by its name (comment). */
export function keyRow(page: Page, name: string) {
  return page.locator("table.keys-table tbody tr").filter({ has: page.locator(".comment-text", { hasText: name }) });
}
