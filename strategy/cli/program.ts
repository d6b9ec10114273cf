import { Command } from "commander";
import { registerAuditCommands } from "./commands/audit.js";
import { registerCaCommands } from "./commands/ca.js";
import { registerConsoleCommands } from "./commands/console.js";
import { registerKeyCommands } from "./commands/keys.js";
import { registerLdapCommands } from "./commands/ldap.js";
import { registerPolicyCommands } from "./commands/policy.js";
import { registerPublishCommands } from "./commands/publish.js";
import { runProgram } from "./run.js";
import { registerRequestCommand } from "./commands/request.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerTokenCommands } from "./commands/token.js";
import { registerUserCommands } from "./commands/users.js";
import { registerWebhookCommands } from "./commands/webhooks.js";
import { databaseFileMissing, describeDatabase, environmentVariables, loadDotEnv, packageVersion } from "./environment.js";

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
  registerPolicyCommands(program);
  registerLdapCommands(program);
  registerPublishCommands(program);
  registerTokenCommands(program);
  registerRequestCommand(program);
  registerConsoleCommands(program);
  registerWebhookCommands(program);
  registerAuditCommands(program);
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
    return buildProgram();
  }, argv);
}
