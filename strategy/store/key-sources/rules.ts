import { DirectoryError } from "../ports.js";

/** Sources one user may import from: each is fetched on every sync, so the list stays short. */
const maxKeySourcesPerUser = 10;

/** The refusal for one source too many. */
export function checkKeySourceCount(held: number): void {
  if (held >= maxKeySourcesPerUser) throw new DirectoryError("too_many_keys", `a user may import from at most ${maxKeySourcesPerUser} sources`);
}

/** The refusal for a ref the user does not import from. */
export function unknownKeySource(username: string, ref: string): DirectoryError {
  return new DirectoryError("not_found", `${username} imports no keys from ${ref}`);
}

/** A sync error as the console shows it: one short line. */
export function syncErrorText(error: string | null): string | null {
  return error === null ? null : error.replace(/\s+/g, " ").slice(0, 300);
}
