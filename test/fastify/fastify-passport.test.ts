// @fastify/passport compatibility: SshKeyStrategy is a passport strategy, so @fastify/passport
// runs it as passport does (no sessions needed), here with a JWT in asymmetric-jwt-auth's format.
import { Authenticator } from "@fastify/passport";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStore } from "../../strategy/store/index.js";
import type { StoredUser } from "../../strategy/store/ports.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

describe("SshKeyStrategy under @fastify/passport", () => {
  const key = freshKeyPair("ed25519").privateKey;
  let app: FastifyInstance;
  let strategy: SshKeyStrategy;

  beforeAll(async () => {
    const store = createMemoryStore();
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", spkiPem(key));
    strategy = new SshKeyStrategy({ store });
    const passport = new Authenticator();
    passport.use("sshkey", strategy);
    app = Fastify();
    // initialize() registers @fastify/flash, which insists on a session plugin (@fastify/session or
    // @fastify/secure-session) even where no route uses sessions; a stub stands in for it here.
    app.decorateRequest("session", null);
    await app.register(passport.initialize());
    app.get("/me", { preValidation: passport.authenticate("sshkey", { session: false }) }, async (request) => ({
      username: (request.user as StoredUser).username,
      scheme: (request.authInfo as { scheme: string } | undefined)?.scheme,
    }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await strategy.close();
  });

  it("authenticates a JWT and refuses a replay, a stranger and a missing header with passport's 401 and challenge", async () => {
    const authorization = jwtFor("alice", key, { time: Math.floor(Date.now() / 1000) });
    const ok = await app.inject({ url: "/me", headers: { authorization } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ username: "alice", scheme: "jwt" });

    const replayed = await app.inject({ url: "/me", headers: { authorization } });
    expect(replayed.statusCode).toBe(401);
    expect(String(replayed.headers["www-authenticate"])).toMatch(/^JWT .*error="invalid_token".*already used/);

    const stranger = await app.inject({ url: "/me", headers: { authorization: jwtFor("mallory", key, { time: Math.floor(Date.now() / 1000) }) } });
    expect(stranger.statusCode).toBe(401);
    expect(String(stranger.headers["www-authenticate"])).toContain('error_description="the credentials were not accepted"');

    const none = await app.inject({ url: "/me" });
    expect(none.statusCode).toBe(401);
    expect(String(none.headers["www-authenticate"])).toContain("JWT");
  });

  it("answers a malformed header 400, as passport does", async () => {
    const r = await app.inject({ url: "/me", headers: { authorization: "JWT a b" } });
    expect(r.statusCode).toBe(400);
    expect(r.headers["www-authenticate"]).toBeUndefined();
  });
});
