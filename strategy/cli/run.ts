import { CommanderError, type Command } from "commander";
import { reportFailure } from "./failure.js";

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
    return reportFailure(error);
  }
}
