// The README's "Fastify" section, run as written: its server in its own Node process on a
// fresh SQLite file (the zero-config store), with only the package's import path mapped to the
// source; a JWT and the crtauth handshake sign alice in, SIGTERM closes it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { authorizationFor, loadKeyFileSigner } from "../../strategy/client/index.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { readmeBlocks, typescriptFiles } from "../package/readme-blocks.js";
import { root } from "../support/cli.js";
import { fixtureText } from "../support/forge-jwt.js";
import { freePort } from "../support/free-port.js";
import { makeTmpDir } from "../support/ssh-keygen.js";

const files = typescriptFiles(readmeBlocks(path.join(root, "README.md"), "Fastify"));
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const tmp = makeTmpDir("readme-fastify-");
afterAll(() => tmp.cleanup());

describe("README: Fastify", () => {
  it("has one server file", () => {
    expect([...files.keys()]).toEqual(["fastify-server.ts"]);
  });

  it("serves JWT and crtauth sign-ins on the zero-config store, refuses a stranger, and ends on SIGTERM", async () => {
    const app = path.join(tmp.dir, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), '{ "type": "module" }\n');
    fs.symlinkSync(path.join(root, "node_modules"), path.join(app, "node_modules"));
    const code = files.get("fastify-server.ts")!;
    const source = code.replaceAll('"passport-sshkey/fastify"', JSON.stringify(pathToFileURL(path.join(root, "strategy/fastify/index.ts")).href));
    expect(source).not.toBe(code);
    fs.writeFileSync(path.join(app, "fastify-server.ts"), source);

    const databaseUrl = `file:${path.join(tmp.dir, "app.db")}`;
    const seed = await openPrismaStore({ url: databaseUrl });
    await seed.directory.addUser("alice");
    await seed.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
    await seed.close();

    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), CRTAUTH_SECRET: "readme-fastify-secret" };
    const child = spawn(process.execPath, ["--import", tsx, "fastify-server.ts"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        const up = await fetch(`${url}/api/me`).catch(() => null);
        if (up) break;
        if (i > 300) throw new Error(`the README's server did not start: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const signer = await loadKeyFileSigner({ text: fixtureText("ajwt/rsa2048.pem") });
      for (const scheme of ["jwt", "crtauth"] as const) {
        const authorization = await authorizationFor({ scheme, signer, username: "alice" }, { url: new URL("/api/me", url), method: "GET" });
        const r = await fetch(`${url}/api/me`, { headers: { authorization } });
        expect(r.status, scheme).toBe(200);
        expect(await r.json()).toMatchObject({ user: { username: "alice" }, via: { scheme, keyType: "ssh-rsa" } });
      }
      const billing = await authorizationFor({ scheme: "jwt", signer, username: "alice", jwt: { audience: "billing" } }, { url: new URL(url), method: "GET" });
      expect((await fetch(`${url}/api/billing`, { headers: { authorization: billing } })).status).toBe(200);
      const stranger = await authorizationFor({ scheme: "jwt", signer, username: "mallory" }, { url: new URL(url), method: "GET" });
      const refused = await fetch(`${url}/api/me`, { headers: { authorization: stranger } });
      expect([refused.status, await refused.json()]).toEqual([401, { error: { code: "invalid_credentials", message: "the credentials were not accepted" } }]);
      signer.close();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, stderr).toBe(0);
    const check = await openPrismaStore({ url: databaseUrl });
    try {
      // app.close() wrote the buffered events before the process ended.
      expect(await check.database.prisma.authEvent.count({ where: { outcome: "success" } })).toBeGreaterThanOrEqual(3);
    } finally {
      await check.close();
    }
  }, 120_000);
});
