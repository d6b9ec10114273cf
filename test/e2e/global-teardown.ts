import fs from "node:fs";

/** Removes the run's temporary database folder (made in playwright.config.ts). */
export default function globalTeardown(): void {
  const dir = process.env.E2E_TMP_DIR;
  if (dir && dir.includes("sshkey-e2e-")) fs.rmSync(dir, { recursive: true, force: true });
}
