import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The folder holding this package's package.json, from source (tsx) or from dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "passport-sshkey") {
      return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("passport-sshkey: cannot find the package root (package.json)");
    dir = parent;
  }
}
