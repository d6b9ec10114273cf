import { AuditWriteError } from "../audit/recorder.js";
import { DirectoryError } from "../store/ports.js";
import { CliError } from "./errors.js";

/** Known failures (bad input, refused operations, client key problems) are one line on stderr. */
function describe(error: unknown): string | null {
  if (error instanceof CliError || error instanceof DirectoryError) return error.message;
  if (error instanceof Error && "code" in error && typeof error.code === "string" && error.name !== "Error") return error.message;
  if (error instanceof TypeError && /DATABASE_URL/.test(error.message)) return error.message;
  return null;
}

/** Reports a command's failure on stderr and gives its exit code. */
export function reportFailure(error: unknown): number {
  const message = describe(error);
  process.stderr.write(`passport-sshkey: ${message ?? (error instanceof Error ? error.message : String(error))}\n`);
  // The change stands: print the entry the audit log lost, so the operator can keep it.
  if (error instanceof AuditWriteError) process.stderr.write(`${JSON.stringify(error.record)}\n`);
  if (message === null && process.env.DEBUG) console.error(error);
  return error instanceof CliError ? error.exitCode : 1;
}
