// The `aud` and `iat` rules side by side with PyJWT itself (Debian's python3-jwt, what
// asymmetric-jwt-auth verifies with): every claim set below is decoded by PyJWT and sent to
// the demo server, and the two must agree — accepted, or refused for the same reason. Where
// PyJWT raises TypeError (a 500 under Django) the server must refuse with a 401.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureKey, fixtureText } from "../../support/forge-jwt.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { jwtFor } from "../../support/tokens.js";

const python = String.raw`
import json, sys, jwt
out = []
for case in json.load(sys.stdin):
    token = jwt.encode(case["claims"], "k", algorithm="HS256")
    try:
        jwt.decode(token, "k", algorithms=["HS256"], audience=case["audience"])
        out.append("ok")
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))`;

/** PyJWT's verdict → the code this server must answer (200 for accepted). */
const expectedFor: Record<string, string | number> = {
  ok: 200,
  InvalidAudienceError: "invalid_audience",
  MissingRequiredClaimError: "invalid_audience",
  ImmatureSignatureError: "clock_skew",
  InvalidIssuedAtError: "invalid_claim",
  TypeError: "invalid_claim",
};

function pyjwt(cases: { claims: Record<string, unknown>; audience: string[] | null }[]): string[] | null {
  try {
    return JSON.parse(execFileSync("/usr/bin/python3", ["-c", python], { input: JSON.stringify(cases), encoding: "utf8" }));
  } catch (error) {
    if (process.env.CI === "true") throw new Error(`python3-jwt is required in CI: ${(error as Error).message}`);
    return null;
  }
}

const audience = ["https://api.example.com", "urn:api"];
// PyJWT runs on the wall clock a little later than `now`: future iats are a minute ahead or more.
const now = Math.floor(Date.now() / 1000);
const auds: unknown[] = [undefined, "", [], null, 0, false, {}, "urn:api", ["x", "urn:api"], "x", ["x"], 1, [1], { a: 1 }, [""]];
const iats: unknown[] = [now, now - 100, 1.5, now + 60, now + 100, "abc", String(now), null, [now]];
const cases = [
  ...auds.map((aud) => ({ audience: null, claims: aud === undefined ? {} : { aud } })),
  ...auds.map((aud) => ({ audience, claims: aud === undefined ? {} : { aud } })),
  ...iats.map((iat) => ({ audience: null, claims: { iat } })),
];

describe.each(["memory"] as const)("aud and iat as PyJWT decides on %s", (kind) => {
  let open: MemoryTestServer;
  let bound: MemoryTestServer;
  const verdicts = pyjwt(cases);
  beforeAll(async () => {
    open = await startTestServer(kind, { startAt: now * 1000 });
    bound = await startTestServer(kind, { startAt: now * 1000, jwt: { audience } });
    for (const t of [open, bound]) {
      await t.store.directory.addUser("alice");
      await t.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
    }
  });
  afterAll(async () => {
    await open.close();
    await bound.close();
  });

  it.skipIf(verdicts === null)(`agrees with PyJWT on ${cases.length} claim sets`, async () => {
    const rsa = fixtureKey("ajwt/rsa2048.pem");
    const ours = [];
    const theirs = [];
    for (const [i, c] of cases.entries()) {
      const t = c.audience ? bound : open;
      const r = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", rsa, { time: now, claims: c.claims }) });
      const label = `${JSON.stringify(c.claims)} audience=${JSON.stringify(c.audience)}`;
      ours.push([label, r.status === 200 ? 200 : r.body.error.code]);
      theirs.push([label, expectedFor[verdicts![i]!] ?? `unexpected PyJWT verdict ${verdicts![i]}`]);
    }
    expect(ours).toEqual(theirs);
  });
});
