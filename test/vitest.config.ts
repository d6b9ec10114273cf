import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: path.resolve(import.meta.dirname, ".."),
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    reporters: ["default", "./test/support/plain-summary-reporter.ts"],
    // Generous: CLI and multi-process tests start Node processes, slow on a busy 2-core machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Two cores: database-heavy files run better two at a time than four.
    maxWorkers: 2,
  },
});
