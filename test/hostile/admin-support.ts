// The admin sections' setup: the demo app (console included) on a fresh database, an admin
// and a plain user signed in, and raw requests that carry their cookie and CSRF token.
import { signIn, newKeyLine, type Client } from "../admin/support.js";
import type { DatabaseKind } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { rawRequest, type RawRequest } from "./support.js";

export interface AdminFixture {
  t: TestServer;
  root: Client;
  alice: Client;
  /** Ids of a key each of root and alice own. */
  rootKeyId: string;
  aliceKeyId: string;
  /** Sends a raw request as `who`, with the session cookie, CSRF token and a same-origin Origin. */
  as(who: Client, request: RawRequest): ReturnType<typeof rawRequest>;
}

export async function startAdminFixture(kind: DatabaseKind): Promise<AdminFixture> {
  const t = await startTestServer(kind);
  const d = t.store.directory;
  await d.addUser("root", { isAdmin: true });
  await d.addUser("alice");
  await d.addUser("target");
  const rootKeyId = (await d.addKey("root", newKeyLine("root-key"))).id;
  const aliceKeyId = (await d.addKey("alice", newKeyLine("alice-key"))).id;
  const root = await signIn(t, "root");
  const alice = await signIn(t, "alice");
  const as = (who: Client, request: RawRequest) =>
    rawRequest(t.url, {
      ...request,
      headers: [["Cookie", who.cookie], ["X-CSRF-Token", who.csrf], ["Origin", t.url], ...(request.headers ?? [])],
    });
  // Warm-up, not judged: the first request through each route pays for loading and building
  // it (the key codec, Prisma's first queries), which is start-up cost, not an input's.
  const json: Array<[string, string]> = [["Content-Type", "application/json"]];
  await as(root, { method: "POST", path: "/admin/api/keys/preview", body: JSON.stringify({ text: newKeyLine() }), headers: json });
  await as(root, { path: "/admin/api/keys?limit=1" });
  await as(root, { path: "/admin/api/users?limit=1" });
  await as(root, { path: "/admin/api/events?limit=1" });
  return { t, root, alice, rootKeyId, aliceKeyId, as };
}
