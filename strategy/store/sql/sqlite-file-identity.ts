import fs from "node:fs";
import { StoreUnavailableError } from "../unavailable.js";

/**
 * Notices a SQLite file deleted or replaced under a running process. SQLite keeps working on
 * the open (unlinked) inode without complaint, while the CLI and other instances open a new
 * file at the same path: revocations made there would never reach this process.
 */
export function sqliteFileIdentity(file: string): { assertSame(): void } {
  const opened = fs.statSync(file);
  return {
    assertSame() {
      let now: fs.Stats;
      try {
        now = fs.statSync(file);
      } catch {
        throw new StoreUnavailableError(`the database file ${file} was deleted`);
      }
      if (now.ino !== opened.ino || now.dev !== opened.dev) throw new StoreUnavailableError(`the database file ${file} was replaced`);
    },
  };
}
