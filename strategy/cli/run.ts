import { CommanderError, type Command } from "commander";
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

/** Builds a commander program and runs it on `argv`: the exit code, errors as one line on stderr. */
export async function runProgram(build: () => Command | Promise<Command>, argv: string[]): Promise<number> {
  let program: Command;
  try {
    program = await build();
  } catch (error) {
    process.stderr.write(`passport-sshkey: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = describe(error);
    process.stderr.write(`passport-sshkey: ${message ?? (error instanceof Error ? error.message : String(error))}\n`);
    // The change stands: print the entry the audit log lost, so the operator can keep it.
    if (error instanceof AuditWriteError) process.stderr.write(`${JSON.stringify(error.record)}\n`);
    if (message === null && process.env.DEBUG) console.error(error);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
