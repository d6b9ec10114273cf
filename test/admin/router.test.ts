// The console's implementation (routes, sessions, importer, pages) loads on the first request
// under /admin, not when the package is imported or the router mounted (issue 19): the demo app
// in a fresh Node, every module it resolved logged, with a marker line before that request.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-admin-lazy-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const marker = "--- first /admin request";
const consoleModule = /\/strategy\/admin\/(console|responses|routes\/[a-z-]+)\.ts$/;

it("loads the console's modules on the first /admin request, and serves concurrent first requests", async () => {
  const script = path.join(work, "app.mts");
  const log = path.join(work, "modules.log");
  fs.writeFileSync(
    script,
    `import fs from "node:fs";
import { createDemoApp, createMemoryStore, SshKeyStrategy } from ${JSON.stringify(path.join(root, "strategy/index.ts"))};
const strategy = new SshKeyStrategy({ store: createMemoryStore() });
const app = createDemoApp({ strategy, log: () => {} });
const server = await new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
const base = "http://127.0.0.1:" + server.address().port;
const healthz = await fetch(base + "/healthz");
fs.appendFileSync(${JSON.stringify(log)}, ${JSON.stringify(marker + "\n")});
const answers = await Promise.all([1, 2, 3].map(async () => {
  const response = await fetch(base + "/admin/api/session");
  return response.status + " " + (await response.json()).error.code;
}));
server.close();
await strategy.close();
process.stdout.write(JSON.stringify([healthz.status, ...answers]));
`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--import", path.join(root, "test/support/module-log.mjs"), script], {
    cwd: root,
    env: { ...process.env, MODULE_LOG: log, DATABASE_URL: "" },
    timeout: 60_000,
  });
  expect(JSON.parse(stdout)).toEqual([200, "401 unauthenticated", "401 unauthenticated", "401 unauthenticated"]);
  const [before, after] = fs.readFileSync(log, "utf8").split(marker);
  const consoleModules = (lines: string | undefined) => (lines ?? "").split("\n").filter((url) => consoleModule.test(url));
  // The probe works: the thin router itself is loaded up front.
  expect(before).toMatch(/\/strategy\/admin\/router\.ts\n/);
  expect(consoleModules(before)).toEqual([]);
  expect(consoleModules(after)).toEqual(
    expect.arrayContaining([expect.stringMatching(/\/admin\/console\.ts$/), expect.stringMatching(/\/admin\/routes\/keys\.ts$/)]),
  );
});
