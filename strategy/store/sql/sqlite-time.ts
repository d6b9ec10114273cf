/** Prisma's SQLite DateTime text form ("2026-11-23T07:58:22.216+00:00"), so both sides compare as text. */
export function sqliteTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
