// The package entry's own functions (not plain re-exports): createSignInLink loads the console's
// session code on its first call and answers as admin/sessions.ts does.
import { expect, it } from "vitest";
import { checkSignInLink } from "../strategy/admin/sessions.js";
import { createMemoryStore, createSignInLink } from "../strategy/index.js";

it("createSignInLink writes a one-time link the console accepts, valid for ttlMs", async () => {
  const store = createMemoryStore();
  const user = await store.directory.addUser("alice");
  const { secret, expiresAt } = await createSignInLink(store.sessions, user.id, { now: 1_000_000, ttlMs: 60_000 });
  expect(expiresAt).toEqual(new Date(1_060_000));
  await expect(checkSignInLink(store.sessions, secret, 1_000_001)).resolves.toEqual({ userId: user.id, username: "alice" });
  await expect(checkSignInLink(store.sessions, secret, 1_060_001)).rejects.toMatchObject({ code: "link_expired" });
  await store.close();
});
