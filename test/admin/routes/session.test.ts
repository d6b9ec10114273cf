// GET /api/setup (issue 18): without a session, whether the console has an administrator yet,
// so the signed-out page can explain how to create the first one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { request, startAdminServer, type AdminServer } from "../support.js";

describe.each(databaseKinds)("GET /api/setup, on %s", (kind) => {
  let server: AdminServer;
  beforeAll(async () => {
    server = await startAdminServer(kind);
  });
  afterAll(() => server?.close());

  it("says no administrator exists until an enabled one does, then remembers it; it needs no session and is never cached", async () => {
    await server.store.directory.addUser("ulla");
    const none = await request(`${server.url}/admin/api/setup`);
    expect([none.status, none.body]).toEqual([200, { adminExists: false }]);
    expect(none.headers.get("cache-control")).toBe("no-store");
    await server.store.directory.addUser("vera", { isAdmin: true });
    await server.store.directory.setUserFlags("vera", { disabled: true });
    expect((await request(`${server.url}/admin/api/setup`)).body).toEqual({ adminExists: false });
    await server.store.directory.setUserFlags("vera", { disabled: false });
    expect((await request(`${server.url}/admin/api/setup`)).body).toEqual({ adminExists: true });
    // Anything else under /api still needs a session.
    expect((await request(`${server.url}/admin/api/setup/x`)).status).toBe(401);
  });
});
