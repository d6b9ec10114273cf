import { Command, Help } from "commander";
import { invokedCommand, topLevelCommands } from "./command-table.js";
import { runProgram } from "./run.js";
import { loadDotEnv } from "./dot-env.js";
import { databaseFileMissing, describeDatabase, environmentVariables, packageVersion } from "./environment.js";

/**
 * The program with the invoked command's module registered and every other top-level command as
 * a stub (name and description only): `--help` and "unknown command" suggestions list them all,
 * and nothing of theirs is imported.
 */
async function buildProgram(argv: readonly string[]): Promise<Command> {
  const stubs = new Map<Command, string>();
  const program = new Command("passport-sshkey")
    .description("SSH-key authentication for HTTP services: demo server, key management and a signing client")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError()
    .exitOverride()
    .configureHelp({ subcommandTerm: (command) => stubs.get(command) ?? Help.prototype.subcommandTerm.call(new Help(), command) });
  const invoked = invokedCommand(argv);
  let register = invoked ? await invoked.load() : null;
  for (const command of topLevelCommands) {
    if (command.load !== invoked?.load) {
      const stub = new Command(command.name).description(command.description);
      stubs.set(stub, command.term);
      program.addCommand(stub);
    } else if (register) {
      // The module adds all of its commands at its first one's place; the rest are in already.
      register(program);
      register = null;
    }
  }
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

/** The whole CLI: every command, after reading `.env`. */
export function runCli(argv: string[]): Promise<number> {
  return runProgram(() => {
    loadDotEnv();
    return buildProgram(argv);
  }, argv);
}
