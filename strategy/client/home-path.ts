import os from "node:os";
import path from "node:path";

/**
 * `~` and `~/…` as the shell expands them, for paths the shell never saw: quoted ones,
 * `--key=~/…` (bash expands `~` only at the start of a word) and paths from config or code.
 * `~user/…` is left alone: it needs the password database, which Node does not read.
 */
export function expandHome(file: string): string {
  if (file === "~") return os.homedir();
  if (file.startsWith("~/") || (path.sep === "\\" && file.startsWith("~\\"))) return path.join(os.homedir(), file.slice(2));
  return file;
}
