#!/usr/bin/env node
// sshd runs `authorized-keys` on every login and scripts run `token jwt` once per request:
// those two load their own small programs, everything else the whole CLI.
const [command, subcommand] = process.argv.slice(2);
const { runCli } =
  command === "authorized-keys"
    ? { runCli: (await import("../strategy/cli/authorized-keys-program.js")).runAuthorizedKeysCli }
    : command === "token" && subcommand === "jwt"
      ? { runCli: (await import("../strategy/cli/token-jwt-program.js")).runTokenJwtCli }
      : await import("../strategy/cli/program.js");

const code = await runCli(process.argv);
// `serve` keeps running; every other command ends here.
if (command !== "serve" || code !== 0) process.exit(code);
