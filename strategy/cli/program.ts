import fs from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { packageRoot } from "../store/prisma/package-root.js";
import { DirectoryError } from "../store/prisma/directory.js";
import { registerConsoleCommands } from "./commands/console.js";
import { registerKeyCommands } from "./commands/keys.js";
import { registerRequestCommand } from "./commands/request.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerTokenCommands } from "./commands/token.js";
import { registerUserCommands } from "./commands/users.js";
import { CliError } from "./errors.js";

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command("passport-sshkey")
    .description("SSH-key authentication for HTTP services: demo server, key management and a signing client")
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerUserCommands(program);
  registerKeyCommands(program);
  registerTokenCommands(program);
  registerRequestCommand(program);
  registerConsoleCommands(program);
  return program;
}

/** Known failures (bad input, refused operations, client key problems) are one line on stderr. */
function describe(error: unknown): string | null {
  if (error instanceof CliError || error instanceof DirectoryError) return error.message;
  if (error instanceof Error && "code" in error && typeof error.code === "string" && error.name !== "Error") return error.message;
  if (error instanceof TypeError && /DATABASE_URL/.test(error.message)) return error.message;
  return null;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = describe(error);
    process.stderr.write(`passport-sshkey: ${message ?? (error instanceof Error ? error.message : String(error))}\n`);
    if (message === null && process.env.DEBUG) console.error(error);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
