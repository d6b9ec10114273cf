import fs from "node:fs";

/** Descriptors this process holds on the SQLite file and its -wal/-shm companions. */
export function handlesOn(databaseFile: string): number {
  let count = 0;
  for (const fd of fs.readdirSync("/proc/self/fd")) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(databaseFile)) count++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return count;
}
