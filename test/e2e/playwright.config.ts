import { defineConfig } from "@playwright/test";

// Browser tests of the admin console against the demo server, in Debian's Chromium
// (Playwright's own browser download is not available offline).
const port = Number(process.env.E2E_PORT ?? 3210);

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts/,
  outputDir: "../../test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["./plain-reporter.ts"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    trace: "retain-on-failure",
  },
  projects: [{ name: "debian-chromium", use: { browserName: "chromium" } }],
});
