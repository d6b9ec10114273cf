import type { PrismaStore } from "../../strategy/store/prisma/store.js";

/** Refusals decided before a signature verified: strangers only ever see `invalid_credentials` for them. */
export const concealedCodes: ReadonlySet<string> = new Set(["unknown_key", "bad_signature"]);

/** The code a client is told for a refusal whose precise code is `code`. */
export function publicCode(code: string): string {
  return concealedCodes.has(code) ? "invalid_credentials" : code;
}

/** The error code of the newest authentication event (the precise one, whatever the client was told). */
export async function lastEventCode(store: PrismaStore): Promise<string | null> {
  await store.events.flush();
  const row = await store.database.prisma.authEvent.findFirst({ orderBy: { id: "desc" } });
  return row?.errorCode ?? null;
}
