import type { AuthEventRecord, SshKeyStore } from "../../strategy/store/index.js";
import type { PrismaStore } from "../../strategy/store/prisma/store.js";

const recorded = new WeakMap<SshKeyStore, AuthEventRecord[]>();

/** The store with its event sink also noting each event in order, so `lastEventCode` reads a store without a database. */
export function recordingEvents(store: SshKeyStore): SshKeyStore {
  const events: AuthEventRecord[] = [];
  const sink = store.events;
  const wrapped: SshKeyStore = {
    ...store,
    events: {
      record(event) {
        events.push(event);
        sink.record(event);
      },
      flush: () => sink.flush(),
    },
  };
  recorded.set(wrapped, events);
  return wrapped;
}

/** Every event recorded on a store made by `recordingEvents`, oldest first. */
export function recordedEvents(store: SshKeyStore): AuthEventRecord[] {
  const events = recorded.get(store);
  if (!events) throw new Error("not a store made by recordingEvents");
  return events;
}

/** Refusals decided before a signature verified: strangers only ever see `invalid_credentials` for them. */
export const concealedCodes: ReadonlySet<string> = new Set(["unknown_key", "bad_signature"]);

/** The code a client is told for a refusal whose precise code is `code`. */
export function publicCode(code: string): string {
  return concealedCodes.has(code) ? "invalid_credentials" : code;
}

/** The newest authentication event, once the sink has written it. */
export async function lastEvent(store: SshKeyStore | PrismaStore): Promise<(Omit<AuthEventRecord, "outcome"> & { outcome: string }) | null> {
  await store.events.flush();
  if (!("database" in store)) return recordedEvents(store).at(-1) ?? null;
  return store.database.prisma.authEvent.findFirst({ orderBy: { id: "desc" } });
}

/** The error code of the newest authentication event (the precise one, whatever the client was told). */
export async function lastEventCode(store: SshKeyStore | PrismaStore): Promise<string | null> {
  return (await lastEvent(store))?.errorCode ?? null;
}
