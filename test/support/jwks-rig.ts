import type { KeyObject } from "node:crypto";
import { jwksToken, startJwksServer, type JwksAnswer, type JwksServer, type JwsAlg } from "./jwks-server.js";
import { getJson, startTestServer, type MemoryTestServer, type TestServerOptions } from "./server.js";

/**
 * What the JWKS tests run against: the demo app on the memory store, alice trusting one JWKS
 * server's URL. That server is on loopback, so private addresses are allowed unless the test's
 * `jwks` options say otherwise.
 */
export interface JwksRig {
  app: MemoryTestServer;
  jwks: JwksServer;
  /** The answer to `GET /whoami` with a JWT for alice signed by `privateKey`. */
  call(privateKey: KeyObject, alg: JwsAlg, kid: string, username?: string): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startJwksRig(answer: JwksAnswer, options: TestServerOptions = {}, url?: (served: string) => string): Promise<JwksRig> {
  const jwks = await startJwksServer(answer);
  const app = await startTestServer("memory", {
    startAt: 1_700_000_000_000,
    exposeErrorCodes: true,
    ...options,
    jwks: { allowPrivateAddresses: true, ...options.jwks },
  });
  await app.store.directory.addUser("alice");
  await app.store.jwks.add("alice", url ? url(jwks.url) : jwks.url);
  return {
    app,
    jwks,
    call: async (privateKey, alg, kid, username = "alice") =>
      getJson(`${app.url}/whoami`, { authorization: await jwksToken(username, privateKey, alg, kid, app.clock.now) }),
    async close() {
      await app.close();
      await jwks.close();
    },
  };
}
