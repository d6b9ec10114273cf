// Behind a real reverse proxy on loopback that strips `/api` and rewrites Host, the signed host
// and target are not what the server receives: refused without the overrides, accepted with
// `bindingHost` and `bindingTarget`, and neither override alone is enough.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { createMemoryStore } from "../../../strategy/store/index.js";
import type { SshsigSchemeOptions } from "../../../strategy/schemes/sshsig/scheme.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig } from "../../support/sshsig.js";

const listen = (server: http.Server) =>
  new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));

/** A path-rewriting proxy: `/api/<rest>` → `<upstream>/<rest>` with `Host: <upstream>`; anything else 404. */
function stripPrefixProxy(upstream: string): http.RequestListener {
  const [hostname, port] = upstream.split(":");
  return (req, res) => {
    if (!req.url?.startsWith("/api/")) return void res.writeHead(404).end();
    const forward = http.request(
      { hostname, port, method: req.method, path: req.url.slice("/api".length), headers: { ...req.headers, host: upstream } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  };
}

describe("SSHSIG behind a path-rewriting proxy", () => {
  const keys = new KeyDir();
  const store = createMemoryStore();
  const servers: http.Server[] = [];
  /** The proxy's host (what clients sign) for a backend with these sshsig options. */
  const publicHosts = new Map<string, string>();
  const variants: Record<string, (publicHost: string) => SshsigSchemeOptions> = {
    plain: () => ({}),
    hostOnly: (publicHost) => ({ bindingHost: publicHost }),
    targetOnly: () => ({ bindingTarget: (req) => `/api${req.originalUrl}` }),
    both: (publicHost) => ({ bindingHost: publicHost, bindingTarget: (req) => `/api${req.originalUrl}` }),
  };

  beforeAll(async () => {
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", keys.sshKeygen("ed", "ed25519"));
    for (const [name, options] of Object.entries(variants)) {
      // The proxy's port must be known before the backend's options name it.
      const proxy = http.createServer();
      const publicHost = await listen(proxy);
      const strategy = new SshKeyStrategy({ store, schemes: ["sshsig"], exposeErrorCodes: true, sshsig: options(publicHost) });
      const backend = http.createServer(createDemoApp({ strategy, log: () => {}, admin: false }));
      proxy.on("request", stripPrefixProxy(await listen(backend)));
      servers.push(proxy, backend);
      publicHosts.set(name, publicHost);
    }
  }, 30_000);
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await store.close();
    keys.cleanup();
  });

  const call = async (variant: string, method = "GET", body?: string) => {
    const host = publicHosts.get(variant)!;
    const target = "/api/whoami?via=proxy";
    const authorization = signedSshsig(keys.path("ed"), { username: "alice", time: Math.floor(Date.now() / 1000), host, method, target, body });
    const r = await fetch(`http://${host}${target}`, { method, headers: { authorization }, ...(body === undefined ? {} : { body }) });
    return { status: r.status, body: (await r.json()) as { username?: string; error?: { code: string } } };
  };

  it("refuses the signature without the overrides (the backend sees another host and path)", async () => {
    expect(await call("plain")).toMatchObject({ status: 401, body: { error: { code: "bad_signature" } } });
  });

  it("refuses it with only bindingHost or only bindingTarget", async () => {
    expect(await call("hostOnly")).toMatchObject({ status: 401, body: { error: { code: "bad_signature" } } });
    expect(await call("targetOnly")).toMatchObject({ status: 401, body: { error: { code: "bad_signature" } } });
  });

  it("accepts it with bindingHost and bindingTarget, a POST body included", async () => {
    expect(await call("both")).toMatchObject({ status: 200, body: { username: "alice" } });
    expect(await call("both", "POST", '{"x":1}')).toMatchObject({ status: 200, body: { username: "alice" } });
  });

  it("checks the options: bindingTarget must be a function", () => {
    expect(() => new SshKeyStrategy({ store, sshsig: { bindingTarget: "/api" as never } })).toThrow(/sshsig.*bindingTarget/);
  });
});
