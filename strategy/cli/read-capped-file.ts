import fs from "node:fs";
import { expandHome } from "../client/home-path.js";
import { CliError } from "./errors.js";

/**
 * The bytes of a file an import reads, refused past `maxBytes` before any is read, so a wrong
 * path (a disk image) fails at once; `what` names the expected kind of file in the refusal.
 */
export function readCappedFile(file: string, maxBytes: number, what: string): Buffer {
  try {
    const fd = fs.openSync(expandHome(file), "r");
    try {
      if (fs.fstatSync(fd).size > maxBytes) throw new CliError(`${file} is larger than ${maxBytes / 1024 / 1024} MiB; not ${what}`);
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
