import fs from "node:fs";
import path from "node:path";

let loadedEnvFile: string | null = null;

/**
 * Reads `.env` from the working directory if there is one (Node's own parser). Variables
 * already set in the environment win, so `PORT=4000 passport-sshkey serve` still means 4000.
 * Returns the file's path when one was read.
 */
export function loadDotEnv(cwd: string = process.cwd()): string | null {
  const file = path.join(cwd, ".env");
  if (!fs.existsSync(file)) return null;
  process.loadEnvFile(file);
  return (loadedEnvFile = file);
}

/** The `.env` file loadDotEnv read, if any (the serve banner names it). */
export function dotEnvFile(): string | null {
  return loadedEnvFile;
}
