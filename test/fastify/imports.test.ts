// passport-sshkey/fastify loads neither Express nor passport: a Fastify app that serves a
// signed request through the plugin, in a fresh Node, with every module it resolved logged.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

const root = path.resolve(import.meta.dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-fastify-imports-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

it("serves a JWT request without loading express or passport (passport-strategy's base class only)", async () => {
  const key = freshKeyPair("ed25519").privateKey;
  const script = path.join(work, "app.mts");
  const log = path.join(work, "modules.log");
  const from = (file: string) => JSON.stringify(path.join(root, file));
  fs.writeFileSync(
    script,
    `import { createRequire } from "node:module";
import fs from "node:fs";
import Fastify from ${JSON.stringify(createRequire(import.meta.url).resolve("fastify"))};
import { fastifySshKey } from ${from("strategy/fastify/index.ts")};
import { createMemoryStore } from ${from("strategy/store/memory/store.ts")};
const store = createMemoryStore();
await store.directory.addUser("alice");
await store.directory.addKey("alice", ${JSON.stringify(spkiPem(key))});
const app = Fastify();
await app.register(fastifySshKey, { store });
app.get("/me", { preHandler: app.sshKey.authenticate() }, async (request) => ({ user: request.sshKeyUser.username }));
const r = await app.inject({ url: "/me", headers: { authorization: ${JSON.stringify(jwtFor("alice", key, { time: Math.floor(Date.now() / 1000) }))} } });
await app.close();
fs.appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).join("\\n") + "\\n");
process.stdout.write(r.statusCode + " " + r.body);
`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--import", path.join(root, "test/support/module-log.mjs"), script], {
    cwd: root,
    env: { ...process.env, MODULE_LOG: log },
    timeout: 60_000,
  });
  expect(stdout).toBe('200 {"user":"alice"}');
  const modules = fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
  expect(modules.some((m) => m.includes("/strategy/fastify/plugin.ts"))).toBe(true);
  expect(modules.filter((m) => /\/node_modules\/(express|passport|body-parser|router)\//.test(m))).toEqual([]);
});
