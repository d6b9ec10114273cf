/**
 * The key a credential is remembered under: its own signed timestamp (fixed-width hex, so
 * text order is time order), then the digest that identifies it. Consecutive requests then
 * insert into the same few index pages instead of a random page each, which is what lets
 * the SQLite replay store commit a batch for little more than the cost of one insert.
 * The timestamp comes from the credential, never from configuration, so every instance
 * derives the same key for the same credential.
 */
export function replayKey(timeSeconds: number, digestHex: string): string {
  return `${Math.floor(timeSeconds).toString(16).padStart(10, "0")}.${digestHex}`;
}
