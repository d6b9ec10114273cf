import fs from "node:fs";
import { StoreUnavailableError } from "../unavailable.js";

/**
 * Notices a SQLite file deleted, replaced or made read-only under a running process. SQLite
 * keeps working on the open (unlinked) inode, and through its already-open descriptor, without
 * complaint, while the CLI and other instances open a new file at the same path or cannot
 * write this one: revocations made there would never reach this process.
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
      try {
        fs.accessSync(file, fs.constants.W_OK);
      } catch {
        throw new StoreUnavailableError(`the database file ${file} is not writable`);
      }
    },
  };
}
