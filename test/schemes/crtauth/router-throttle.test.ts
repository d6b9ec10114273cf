// The /_auth handshake throttles failed RSA checks per username (issue 11, H-2), like the
// strategy: past the burst, responses for that user are refused before any signature check.
import type { KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner } from "../../../strategy/client/index.js";
import type { Signer } from "../../../strategy/client/signer.js";
import { createRequest, createResponse } from "../../../strategy/schemes/crtauth/client.js";
import { decodeChallenge } from "../../../strategy/schemes/crtauth/messages.js";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { createMemoryStore, type SshKeyStore } from "../../../strategy/store/index.js";
import { fixtureKeyPair } from "../../support/fixture-keys.js";
import { lastEventCode, recordingEvents } from "../../support/events.js";
import { spkiPem } from "../../support/tokens.js";

const SECRET = "crtauth-throttle-secret";

function chap(url: string, value: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const target = new URL("/_auth", url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, headers: { "X-CHAP": value } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function respond(url: string, username: string, signer: Signer) {
  const asked = await chap(url, `request:${createRequest(username)}`);
  const challenge = String(asked.headers["x-chap"]).slice("challenge:".length);
  const serverName = decodeChallenge(Buffer.from(challenge, "base64url")).serverName;
  return chap(url, `response:${(await createResponse(challenge, signer, { expectedServerName: serverName })).text}`);
}

const pkcs8 = (key: KeyObject) => ({ text: String(key.export({ type: "pkcs8", format: "pem" })) });

describe("crtauth /_auth failure throttle on memory", () => {
  let store: SshKeyStore;
  let server: http.Server;
  let url: string;
  const clock = { now: Date.UTC(2031, 0, 1) };
  const alice = fixtureKeyPair("rsa2048-a").privateKey;
  const stranger = fixtureKeyPair("rsa2048-b").privateKey;

  beforeAll(async () => {
    store = recordingEvents(createMemoryStore({ now: () => clock.now }));
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", spkiPem(alice));
    const now = () => clock.now;
    const strategy = new SshKeyStrategy({ store, now, crtauth: { secret: SECRET } });
    const app = createDemoApp({ strategy, log: () => {}, crtauth: { secret: SECRET, now, failureThrottle: { maxFailures: 3, windowMs: 30_000 } } });
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
  });

  it("3 responses with a bad signature, then too_many_failures with Retry-After, even for the right key; refills with time", async () => {
    const wrong = await loadKeyFileSigner(pkcs8(stranger));
    const right = await loadKeyFileSigner(pkcs8(alice));
    try {
      for (let i = 0; i < 3; i++) {
        const r = await respond(url, "alice", wrong);
        expect([r.status, r.headers["x-sshkey-error"], await lastEventCode(store)]).toEqual([403, "invalid_credentials", "bad_signature"]);
      }
      const blocked = await respond(url, "alice", wrong);
      expect([blocked.status, blocked.headers["x-sshkey-error"]]).toEqual([403, "too_many_failures"]);
      expect(blocked.headers["retry-after"]).toBe("10");
      expect((await respond(url, "alice", right)).headers["x-sshkey-error"]).toBe("too_many_failures");
      clock.now += 10_000;
      const later = await respond(url, "alice", right);
      expect(later.status).toBe(200);
      expect(String(later.headers["x-chap"])).toMatch(/^token:/);
    } finally {
      await wrong.close();
      await right.close();
    }
  });
});
