import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// The architecture rule in .ci/eslint.config.js: only strategy/store/ reaches the database.
// Snippets are linted as if they lived at the given path; nothing is written to disk.
const root = path.resolve(import.meta.dirname, "../..");
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: ".ci/eslint.config.js" });
});

/** The rule ids that fire for `code` placed at `file` (a path from the repository root). */
async function rulesFiring(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const databaseImports = [
  `import { openPrismaStore } from "../store/prisma/store.js";\nexport const open = openPrismaStore;\n`,
  `import type { PrismaStore } from "../../store/prisma/store.js";\nexport type S = PrismaStore;\n`,
  `export { PrismaDirectory } from "./store/prisma/directory.js";\n`,
  `import { PrismaClient } from "../store/prisma/generated/sqlite/client.js";\nexport const c = PrismaClient;\n`,
  `import { PrismaClient } from "@prisma/client";\nexport const c = PrismaClient;\n`,
  `import { PrismaPg } from "@prisma/adapter-pg";\nexport const a = PrismaPg;\n`,
  `import Database from "better-sqlite3";\nexport const d = Database;\n`,
  `import pg from "pg";\nexport const p = pg;\n`,
  `import { Redis } from "ioredis";\nexport const r = Redis;\n`,
];

describe("the rule that keeps Prisma and drivers inside strategy/store/", () => {
  for (const file of ["strategy/core/probe.ts", "strategy/keys/probe.ts", "bin/probe.ts", "admin-ui/src/probe.tsx"]) {
    it(`refuses every database import in ${file}`, async () => {
      for (const code of databaseImports) expect([code, await rulesFiring(file, code)]).toEqual([code, ["no-restricted-imports"]]);
    });
  }

  it("refuses a dynamic import() of the Prisma store too", async () => {
    expect(await rulesFiring("strategy/core/probe.ts", `export const load = () => import("../store/prisma/store.js");\n`)).toEqual(["no-restricted-syntax"]);
  });

  it("names the rule's reason in the message", async () => {
    const [result] = await eslint.lintText(databaseImports[0]!, { filePath: path.join(root, "strategy/core/probe.ts") });
    expect(result!.messages[0]!.message).toContain("only strategy/store/ may import Prisma");
  });

  it("allows the same imports inside strategy/store/ and in tests", async () => {
    for (const file of ["strategy/store/probe.ts", "strategy/store/prisma/probe.ts", "test/store/probe.test.ts"]) {
      for (const code of databaseImports) expect([file, code, await rulesFiring(file, code)]).toEqual([file, code, []]);
    }
  });

  it("allows the ports and other store modules that load no database", async () => {
    const code = `import type { KeyStore } from "../store/ports.js";\nimport { storeName } from "../store/memory/store.js";\nexport type K = KeyStore;\nexport const n = storeName;\n`;
    expect(await rulesFiring("strategy/core/probe.ts", code)).toEqual([]);
  });
});
