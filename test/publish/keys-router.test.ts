// GET /<username>.keys through the demo server, on every store: what GitHub's `.keys` prints,
// active keys only by the key-state table, and one 404 for every user it does not publish.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import express from "express";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createPublishedKeysRouter } from "../../strategy/index.js";
import { createMemoryStore } from "../../strategy/store/index.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { softwareFidoKey } from "../support/software-fido.js";
import { KeyDir } from "../support/ssh-keygen.js";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request with the path sent exactly as written (fetch would normalise some of the hostile ones). */
function send(base: string, path: string, method = "GET"): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on("error", reject).end();
  });
}

const canonical = (pub: string): string => pub.trim().split(/\s+/).slice(0, 2).join(" ");

describe.each(["memory" as const, ...databaseKinds])("GET /<username>.keys on %s", (kind) => {
  const keys = new KeyDir();
  let server: MemoryTestServer;
  const pub: Record<string, string> = {};
  let laptopId: string;

  beforeAll(async () => {
    server = kind === "memory" ? await startTestServer("memory") : await startTestServer(kind);
    const directory = server.store.directory;
    for (const name of ["laptop", "desktop", "old", "gone", "bob", "jorg"]) pub[name] = keys.sshKeygen(name, "ed25519");
    await directory.addUser("alice");
    laptopId = (await directory.addKey("alice", pub.laptop!, { comment: "laptop" })).id;
    // "Oldest first" needs two creation times: keys added in the same millisecond have no order.
    // The memory store stamps keys by the test clock, the databases by their own.
    server.clock.now += 1_000;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await directory.addKey("alice", pub.desktop!);
    const old = await directory.addKey("alice", pub.old!);
    await directory.updateKeyById(old.id, { expiresAt: new Date(Date.now() - 60_000) });
    await directory.revokeKey((await directory.addKey("alice", pub.gone!)).fingerprintSha256, "lost");
    await directory.addUser("bob");
    await directory.addKey("bob", pub.bob!);
    await directory.setUserFlags("bob", { disabled: true });
    await directory.addUser("carol");
    await directory.addUser("jörg");
    await directory.addKey("jörg", pub.jorg!);
  });
  afterAll(async () => {
    await server.close();
    keys.cleanup();
  });

  it("lists the active keys, oldest first, as `type base64` lines without comments", async () => {
    const res = await send(server.url, "/alice.keys");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.text).toBe(`${canonical(pub.laptop!)}\n${canonical(pub.desktop!)}\n`);
  });

  it("answers a user without active keys with an empty list, and a Unicode name by its percent-encoding", async () => {
    expect((await send(server.url, "/carol.keys")).text).toBe("");
    const jorg = await send(server.url, `/${encodeURIComponent("jörg")}.keys`);
    expect([jorg.status, jorg.text]).toEqual([200, `${canonical(pub.jorg!)}\n`]);
  });

  it("answers an unknown user, a disabled one and a name no user can have alike: 404, one body", async () => {
    const answers = await Promise.all(
      ["/nobody.keys", "/bob.keys", "/a%2Fb.keys", "/..%2F..%2Fetc%2Fpasswd.keys", "/a%00b.keys", `/${"x".repeat(300)}.keys`].map((p) => send(server.url, p)),
    );
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(res.text).toBe("Not Found\n");
    }
  });

  it("refuses a path that does not decode with 400 and never answers 500", async () => {
    for (const path of ["/%E0%A4%A.keys", "/%.keys", "/%C0%AE.keys"]) expect((await send(server.url, path)).status).toBe(400);
    for (const path of ["/.keys", "/alice.keys/", "/alice.keys.keys", "//alice.keys", "/alice%2ekeys"]) {
      expect((await send(server.url, path)).status).toBeLessThan(500);
    }
    expect((await send(server.url, "/alice.keys", "POST")).status).toBe(404);
    const head = await send(server.url, "/alice.keys", "HEAD");
    expect([head.status, head.text]).toEqual([200, ""]);
  });

  it("feels a revoke on the next request", async () => {
    await server.store.directory.revokeKeyById(laptopId, "stolen");
    expect((await send(server.url, "/alice.keys")).text).toBe(`${canonical(pub.desktop!)}\n`);
    await server.store.directory.setUserFlags("alice", { disabled: true });
    expect((await send(server.url, "/alice.keys")).status).toBe(404);
  });
});

describe("createPublishedKeysRouter in an app of one's own", () => {
  it("mounts anywhere with a store, publishes security keys without their options, and checks its options", async () => {
    const store = createMemoryStore();
    await store.directory.addUser("dana");
    const fido = softwareFidoKey("ed25519");
    await store.directory.addKey("dana", `no-touch-required ${fido.publicLine}`);
    const app = express().use("/people", createPublishedKeysRouter({ store }));
    const server = await new Promise<http.Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const res = await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "/people/dana.keys");
    server.close();
    expect(res.text).toBe(`${canonical(fido.publicLine)}\n`);
    expect(() => createPublishedKeysRouter({ store, cache: true } as never)).toThrow(/unknown option "cache"/);
  });
});
