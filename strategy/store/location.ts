// Where the database and the package are, without the store: `--help` and every CLI start need
// these, and store/index.js reaches the Prisma store's modules.
export { defaultDatabaseUrl, locateDatabase } from "./prisma/database-url.js";
export { packageRoot } from "./prisma/package-root.js";
