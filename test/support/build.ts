// Tests that run what `npm run build` makes (dist/, admin-ui/dist) build it when it is
// missing or older than its sources, so they never test a stale build.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { root } from "./cli.js";

function newestSource(dir: string, extensions: RegExp): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestSource(full, extensions) : extensions.test(entry.name) ? fs.statSync(full).mtimeMs : 0;
    return Math.max(latest, time);
  }, 0);
}

function builtAt(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

/** The library and CLI in dist/ (not the console UI); returns the CLI's path. */
export function ensureLibraryBuilt(): string {
  const cli = path.join(root, "dist/bin/passport-sshkey.js");
  const sources = Math.max(newestSource(path.join(root, "strategy"), /\.ts$/), newestSource(path.join(root, "bin"), /\.ts$/));
  if (builtAt(cli) <= sources) {
    execFileSync(path.join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
    execFileSync("npm", ["run", "--silent", "build:fast"], { cwd: root, stdio: "inherit" });
  }
  return cli;
}

/** The console UI in admin-ui/dist. */
export function ensureConsoleBuilt(): void {
  const index = path.join(root, "admin-ui/dist/index.html");
  const sources = Math.max(
    newestSource(path.join(root, "admin-ui/src"), /\.(tsx?|css)$/),
    fs.statSync(path.join(root, "admin-ui/index.html")).mtimeMs,
    fs.statSync(path.join(root, "admin-ui/vite.config.ts")).mtimeMs,
    // The one runtime import the console takes from the library (the API contract is types only).
    fs.statSync(path.join(root, "strategy/core/key-state.ts")).mtimeMs,
  );
  if (builtAt(index) <= sources) {
    execFileSync(path.join(root, "node_modules/.bin/vite"), ["build", "--config", "admin-ui/vite.config.ts", "--logLevel", "warn"], {
      cwd: root,
      stdio: "inherit",
    });
  }
}
