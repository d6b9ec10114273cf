import { Command, CommanderError } from "commander";
import { DirectoryError } from "../store/index.js";
import { registerCaCommands } from "./commands/ca.js";
import { registerConsoleCommands } from "./commands/console.js";
import { registerKeyCommands } from "./commands/keys.js";
import { registerPublishCommands } from "./commands/publish.js";
import { registerRequestCommand } from "./commands/request.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerTokenCommands } from "./commands/token.js";
import { registerUserCommands } from "./commands/users.js";
import { databaseFileMissing, describeDatabase, environmentVariables, loadDotEnv, packageVersion } from "./environment.js";
import { CliError } from "./errors.js";

function buildProgram(): Command {
  const program = new Command("passport-sshkey")
    .description("SSH-key authentication for HTTP services: demo server, key management and a signing client")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerUserCommands(program);
  registerKeyCommands(program);
  registerCaCommands(program);
  registerPublishCommands(program);
  registerTokenCommands(program);
  registerRequestCommand(program);
  registerConsoleCommands(program);
  program.addHelpText("afterAll", helpFooter);
  return program;
}

function helpFooter(): string {
  const width = Math.max(...environmentVariables.map(([name]) => name.length));
  return [
    "",
    `Database: ${describeDatabase()}${databaseFileMissing() ? " (does not exist yet: the first command creates it)" : ""}; set by DATABASE_URL.`,
    "A .env file in the working directory is read first; variables already set win.",
    "",
    "Environment variables:",
    ...environmentVariables.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`),
  ].join("\n");
}

/** Known failures (bad input, refused operations, client key problems) are one line on stderr. */
function describe(error: unknown): string | null {
  if (error instanceof CliError || error instanceof DirectoryError) return error.message;
  if (error instanceof Error && "code" in error && typeof error.code === "string" && error.name !== "Error") return error.message;
  if (error instanceof TypeError && /DATABASE_URL/.test(error.message)) return error.message;
  return null;
}

export async function runCli(argv: string[]): Promise<number> {
  let program: Command;
  try {
    loadDotEnv();
    program = buildProgram();
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
    if (message === null && process.env.DEBUG) console.error(error);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
