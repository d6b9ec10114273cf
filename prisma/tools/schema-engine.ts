// Loads Prisma's schema engine compiled to WebAssembly. Prisma 7's CLI only drives the
// native engine, which cannot be downloaded on offline machines; the wasm build of the
// same engine version ships on npm and computes the same DDL. Dev-time only: the app
// applies migrations with its own runner (strategy/store/prisma/migrate.ts).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

export type Provider = "sqlite" | "postgresql";

export const prismaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function schemaFiles(provider: Provider): { path: string; content: string }[] {
  const dir = path.join(prismaDir, provider);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".prisma"))
    .map((name) => ({ path: path.join(dir, name), content: fs.readFileSync(path.join(dir, name), "utf8") }));
}

interface Engine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

/**
 * Starts an engine for `provider`. Only diffs that need no database are used; the
 * PostgreSQL engine still connects once to read the server version (POSTGRES_URL).
 * One engine per process: a second wasm instance in the same process panics.
 */
export async function loadSchemaEngine(provider: Provider): Promise<Engine> {
  const glueUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(glueUrl);
  const wasmPath = path.join(path.dirname(fileURLToPath(glueUrl)), "schema_engine_bg.wasm");
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: "",
    set_message(this: { message: string }, m: string) {
      this.message = m;
    },
    get(this: { message: string }) {
      return this.message;
    },
  };
  // The project's lib setting has no WebAssembly typings (no DOM); the global exists in Node.
  const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Instance: any; Module: any } };
  const instance = new wasm.Instance(new wasm.Module(fs.readFileSync(wasmPath)), {
    "./schema_engine_bg.js": glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  const factory = bindMigrationAwareSqlAdapterFactory(
    provider === "sqlite"
      ? new PrismaBetterSqlite3({ url: ":memory:" })
      : new PrismaPg({ connectionString: process.env.POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test" }),
  );
  return glue.SchemaEngine.new({ datamodels: schemaFiles(provider).map((f) => [f.path, f.content]) }, () => {}, factory);
}

/** The DDL that creates the schema of `provider` from nothing. */
export async function fullSchemaSql(provider: Provider): Promise<string> {
  const engine = await loadSchemaEngine(provider);
  try {
    const result = await engine.diff({
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: schemaFiles(provider) },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}
