// Runs the browser tests in Debian's Chromium. Where no Chromium is installed (a developer's
// machine), they are skipped with a note, as the PostgreSQL and Redis suites are; under
// CI=true a missing browser is a failure.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const browser = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!fs.existsSync(browser)) {
  const why = `Chromium not found at ${browser} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === "true") {
    console.error(`${why}: the browser tests are mandatory in CI`);
    process.exit(1);
  }
  console.warn(`${why}: browser tests skipped`);
  process.exit(0);
}
const config = path.join(import.meta.dirname, "playwright.config.ts");
const result = spawnSync("npx", ["playwright", "test", "--config", config, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
