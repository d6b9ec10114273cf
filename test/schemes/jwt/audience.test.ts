// The JWT `aud` claim through the demo server, with PyJWT 2's semantics: without a
// configured audience only a missing or falsy aud passes; with `jwt: { audience }` a token
// must name it, so a token made for another service is refused here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { loadKeyFileSigner, sshkeyFetch } from "../../../strategy/client/index.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { fixtureKey, fixtures, fixtureText } from "../../support/forge-jwt.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { jwtFor } from "../../support/tokens.js";

const T = 1_700_000_000;
const rsa = fixtureKey("ajwt/rsa2048.pem");
const other = fixtureKey("ajwt/ed25519.pem");

describe.each(["memory"] as const)("JWT audience on %s", (kind) => {
  let open: MemoryTestServer;
  let bound: MemoryTestServer;
  beforeAll(async () => {
    open = await startTestServer(kind, { startAt: T * 1000 });
    bound = await startTestServer(kind, { startAt: T * 1000, jwt: { audience: ["https://api.example.com", "urn:api"] } });
    for (const t of [open, bound]) {
      await t.store.directory.addUser("alice");
      await t.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
    }
  });
  afterAll(async () => {
    await open.close();
    await bound.close();
  });

  const send = (t: MemoryTestServer, claims: Record<string, unknown>, key = rsa) =>
    getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", key, { time: T, claims }) });
  const outcome = async (t: MemoryTestServer, claims: Record<string, unknown>) => {
    const r = await send(t, claims);
    return r.status === 200 ? 200 : `${r.status} ${r.body.error.code}`;
  };

  it("without an audience: no aud or a falsy one passes, any other aud is refused", async () => {
    for (const aud of [undefined, "", [], null, 0, false, {}]) expect(await outcome(open, aud === undefined ? {} : { aud }), JSON.stringify(aud)).toBe(200);
    for (const aud of ["https://api.example.com", ["x"], 1, { a: 1 }, [""]]) {
      expect(await outcome(open, { aud }), JSON.stringify(aud)).toBe("401 invalid_audience");
    }
  });

  it("with an audience: the token must name one of its values", async () => {
    expect(await outcome(bound, { aud: "https://api.example.com" })).toBe(200);
    expect(await outcome(bound, { aud: "urn:api" })).toBe(200);
    expect(await outcome(bound, { aud: ["https://other.example", "urn:api"] })).toBe(200);
    for (const aud of [
      undefined,
      "",
      [],
      null,
      "https://other.example",
      "HTTPS://API.EXAMPLE.COM",
      ["https://other.example"],
      7,
      [7, "urn:api"],
      { aud: "urn:api" },
    ]) {
      expect(await outcome(bound, aud === undefined ? {} : { aud }), JSON.stringify(aud)).toBe("401 invalid_audience");
    }
  });

  it("checks the audience only after the signature verified", async () => {
    const r = await send(bound, { aud: "https://other.example" }, other);
    expect(r.status).toBe(401);
    expect(r.body.error.code).not.toBe("invalid_audience");
  });

  it("the client sends the audience it is given (sshkeyFetch)", async () => {
    const signer = await loadKeyFileSigner(path.join(fixtures, "keys/ajwt/rsa2048.pem"));
    const options = { scheme: "jwt" as const, signer, username: "alice", now: () => bound.clock.now };
    const to = (jwt?: { audience: string }) => sshkeyFetch(`${bound.url}/whoami`, {}, { ...options, jwt }).then((r) => r.json());
    expect(await to({ audience: "urn:api" })).toMatchObject({ username: "alice" });
    expect(await to()).toMatchObject({ error: { code: "invalid_audience" } });
    expect(await to({ audience: "urn:other" })).toMatchObject({ error: { code: "invalid_audience" } });
    signer.close();
  });

  it("refuses a malformed audience option at construction", () => {
    for (const audience of ["", [], [""], [1], 5]) {
      expect(() => new SshKeyStrategy({ store: open.store, jwt: { audience: audience as never } }), JSON.stringify(audience)).toThrow(TypeError);
    }
  });
});
