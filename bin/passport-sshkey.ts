#!/usr/bin/env node
// sshd runs `authorized-keys` on every login and scripts run `token jwt` once per request: their
// usual call is answered by a one-file program without commander (bin/fast/); any other call of
// them loads that command's own commander program, every other command the whole CLI.
const [command, subcommand] = process.argv.slice(2);
const fast =
  command === "authorized-keys"
    ? await import("./fast/authorized-keys.js")
    : command === "token" && subcommand === "jwt"
      ? await import("./fast/token-jwt.js")
      : null;

let code = fast === null ? null : await fast.runFast(process.argv);
if (code === null) {
  const { runCli } =
    command === "authorized-keys"
      ? { runCli: (await import("../strategy/cli/authorized-keys-program.js")).runAuthorizedKeysCli }
      : await import("../strategy/cli/program.js");
  code = await runCli(process.argv);
}
// `serve` keeps running; every other command ends here.
if (command !== "serve" || code !== 0) process.exit(code);
