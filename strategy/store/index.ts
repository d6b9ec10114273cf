// The store's public face: the ports, the adapters that implement them, and what the CLI and
// the demo server need (the database location: location.ts). Nothing outside store/ imports store/prisma/*.
// Importing this file loads no database driver: the Prisma adapter loads its own on open.
export type * from "./ports.js";
export { DirectoryError } from "./ports.js";
export { openPrismaStore } from "./prisma/store.js";
export type { PrismaStore } from "./prisma/store.js";
export type { Readiness } from "./readiness.js";
export type { PrismaStoreOptions } from "./prisma/store-options.js";
export { migrateDatabase } from "./prisma/migrate.js";
export { PrismaDirectory } from "./prisma/directory.js";
export type { DirectoryOptions } from "./directory/rules.js";
export { openDefaultStore } from "./default-store.js";
export { createMemoryStore } from "./memory/store.js";
export type { MemoryStoreOptions } from "./memory/store.js";
export { loadOrCreateCrtauthSecret } from "./crtauth-secret.js";
export { packageRoot } from "./prisma/package-root.js";
