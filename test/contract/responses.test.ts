// Every admin route's answer parses with its response schema in strategy/contract, through the
// real router on SQLite: the contract the console is typed against is what the server sends.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  AuthLogJson,
  ErrorBodyJson,
  KeyDeletedResponse,
  KeyDetailResponse,
  KeyInventoryJson,
  KeyPreviewResponse,
  KeyResponse,
  KeysAddedResponse,
  LogoutResponse,
  MeResponse,
  SignInLinkResponse,
  UserCreatedResponse,
  UserPageJson,
  UserResponse,
  adminErrorDetail,
} from "../../strategy/contract/index.js";
import { fixtureKey, fixtures } from "../support/forge-jwt.js";
import { jwtFor } from "../support/tokens.js";
import { newKeyLine, request, signIn, startAdminServer, type AdminServer, type Client } from "../admin/support.js";

const rsaPub = fs.readFileSync(path.join(fixtures, "keys/ajwt/rsa2048.pub"), "utf8");

/** The body, checked strictly against the schema (an extra or renamed field fails). */
function expectShape(schema: z.ZodType, response: { status: number; body: unknown }, status = 200): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const parsed = schema.safeParse(response.body);
  expect(parsed.success, parsed.error?.message).toBe(true);
}

describe("admin API responses match the contract (sqlite)", () => {
  let server: AdminServer;
  let root: Client;
  let alice: Client;

  beforeAll(async () => {
    server = await startAdminServer("sqlite");
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
    await server.store.directory.addKey("alice", rsaPub, { comment: "laptop" });
    root = await signIn(server, "root");
    alice = await signIn(server, "alice");
  });
  afterAll(async () => {
    await server.close();
  });

  it("sign-in, /me and logout", async () => {
    const t = Math.floor(server.clock.now / 1000);
    const authorization = jwtFor("alice", fixtureKey("ajwt/rsa2048.pem"), { time: t, claims: { aud: `${server.url}/admin` } });
    expectShape(SignInLinkResponse, await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization } }));
    expectShape(MeResponse, await alice.call("GET", "/me"));
    const leaving = await signIn(server, "alice");
    expectShape(LogoutResponse, await leaving.call("POST", "/session/logout"));
  });

  it("keys: list, preview, add, detail, patch, revoke, delete", async () => {
    expectShape(KeyInventoryJson, await alice.call("GET", "/keys"));
    expectShape(KeyPreviewResponse, await alice.call("POST", "/keys/preview", { text: `${newKeyLine("a")}\nnot a key` }));
    const added = await alice.call("POST", "/keys", { text: newKeyLine("b"), expiresAt: "2031-01-01" });
    expectShape(KeysAddedResponse, added, 201);
    const id = added.body.keys[0].id as string;
    expectShape(KeyDetailResponse, await alice.call("GET", `/keys/${id}`));
    expectShape(KeyResponse, await alice.call("PATCH", `/keys/${id}`, { comment: "renamed" }));
    expectShape(KeyResponse, await alice.call("POST", `/keys/${id}/revoke`, { reason: "lost" }));
    expectShape(KeyDeletedResponse, await alice.call("DELETE", `/keys/${id}`));
  });

  it("users: list, create, patch", async () => {
    expectShape(UserCreatedResponse, await root.call("POST", "/users", { username: "carol" }), 201);
    expectShape(UserPageJson, await root.call("GET", "/users"));
    expectShape(UserResponse, await root.call("PATCH", "/users/carol", { isAdmin: true }));
  });

  it("events", async () => {
    const events = await root.call("GET", "/events");
    expectShape(AuthLogJson, events);
    expect(events.body.events.length).toBeGreaterThan(0);
  });

  it("refusals: the error body, and the typed detail of the codes that carry one", async () => {
    expectShape(ErrorBodyJson, await alice.call("GET", "/keys/nope"), 404);
    const refused = await alice.call("POST", "/keys", { text: "not a key" });
    expectShape(ErrorBodyJson, refused, 400);
    const { code, message: _message, ...detail } = refused.body.error;
    expect(code).toBe("invalid_keys");
    expect(adminErrorDetail.invalid_keys.safeParse(detail).success).toBe(true);
  });

  it("a disabled user signing in to the console is 403 user_disabled, as the table says", async () => {
    const t = Math.floor(server.clock.now / 1000);
    await server.store.directory.setUserFlags("alice", { disabled: true });
    try {
      const authorization = jwtFor("alice", fixtureKey("ajwt/rsa2048.pem"), { time: t, claims: { aud: `${server.url}/admin` } });
      const refused = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization } });
      expectShape(ErrorBodyJson, refused, 403);
      expect(refused.body.error.code).toBe("user_disabled");
    } finally {
      await server.store.directory.setUserFlags("alice", { disabled: false });
    }
  });
});
