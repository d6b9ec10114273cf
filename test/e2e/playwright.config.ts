import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Browser tests of the admin console against the BUILT demo server (`npm run test:e2e` builds first),
// in Debian's Chromium (Playwright's own browser download is not available offline).
const port = Number(process.env.E2E_PORT ?? 3210);
const root = path.resolve(import.meta.dirname, "../..");

// One fresh SQLite database per run. The config is evaluated again in each worker; the
// environment variable carries the runner's folder to them (and to the CLI calls the tests make).
if (!process.env.E2E_TMP_DIR) process.env.E2E_TMP_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "sshkey-e2e-"));
const tmp = process.env.E2E_TMP_DIR;
process.env.E2E_DATABASE_URL = `file:${path.join(tmp, "console.db")}`;
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts/,
  outputDir: "../../test-results/e2e",
  globalTeardown: "./global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["./plain-reporter.ts"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    colorScheme: "light",
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
  },
  projects: [{ name: "debian-chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: `node dist/bin/passport-sshkey.js serve --port ${port}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    // A retried run signs in again: room for that within the per-IP sign-in limit. The
    // paging test gives one user 51 keys, one more than the default per-user limit.
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      CHECKPOINT_DISABLE: "1",
      HOST: "127.0.0.1",
      SIGNIN_RATE_LIMIT: "100",
      // The JWKS test serves its set on loopback.
      JWKS_ALLOW_PRIVATE_ADDRESSES: "1",
      // The webhooks test receives deliveries on loopback.
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "1",
      MAX_KEYS_PER_USER: "60",
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
