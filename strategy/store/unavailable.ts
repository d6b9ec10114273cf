/**
 * The database cannot answer now (locked by another process, unreachable, too slow, read-only,
 * its file gone). Requests that need it are answered 503 with Retry-After, never 500 and never
 * a guess: the strategy fails closed.
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  readonly status = 503;
  readonly code = "store_unavailable";
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// SQLite result codes (better-sqlite3 names them, with extended codes as suffixes: SQLITE_BUSY_SNAPSHOT…).
const sqliteCodes = /^SQLITE_(BUSY|LOCKED|READONLY|IOERR|CANTOPEN|FULL|NOTADB|CORRUPT)/;
// Node socket errors and PostgreSQL SQLSTATEs: 08 connection exception, 53 insufficient resources,
// 57 operator intervention (57014 statement_timeout, 57P01 shutdown), 25006 read-only transaction,
// 25P03 idle_in_transaction_session_timeout.
const networkCodes = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|08...|53...|57...|25006|25P03)$/;
// Prisma: P1001 unreachable, P1002 timed out, P1008 operation timeout, P1017 connection closed, P2024 pool timeout.
const prismaCodes = /^(P1001|P1002|P1008|P1017|P2024)$/;
// Driver-adapter error kinds (Prisma 7) that mean the database is not there or not answering.
const adapterKinds = /^(SocketTimeout|DatabaseNotReachable|ConnectionClosed|TooManyConnections|DatabaseDoesNotExist|TransactionAlreadyClosed)$/;
// pg, pg-pool and ioredis report their own timeouts and drops by message only.
const driverMessages =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|Connection ended|Command timed out|Connection is closed|max retries per request|Stream isn't writeable/i;

function isFault(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== "object") return false;
  const e = error as { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (e instanceof StoreUnavailableError) return true;
  for (const code of [e.code, e.originalCode]) {
    if (typeof code === "string" && (sqliteCodes.test(code) || networkCodes.test(code) || prismaCodes.test(code))) return true;
  }
  if (typeof e.kind === "string" && adapterKinds.test(e.kind)) return true;
  if (typeof e.message === "string" && driverMessages.test(e.message)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isFault(inner, depth + 1))) return true;
  return isFault(e.cause, depth + 1) || isFault(e.meta?.driverAdapterError, depth + 1);
}

/**
 * The error as a StoreUnavailableError when it says the database could not be reached or
 * written; null for everything else (a constraint violation, a bug), which stays a 500.
 * Driver and Prisma errors are recognised by their codes, so no caller imports a driver.
 */
export function storeFaultOf(error: unknown): StoreUnavailableError | null {
  if (error instanceof StoreUnavailableError) return error;
  if (!isFault(error)) return null;
  return new StoreUnavailableError("the database is unavailable; try again shortly", 1, { cause: error });
}
