#!/usr/bin/env node
// sshd runs `authorized-keys` on every login and waits for it: that command loads alone.
const { runCli } =
  process.argv[2] === "authorized-keys"
    ? { runCli: (await import("../strategy/cli/authorized-keys-program.js")).runAuthorizedKeysCli }
    : await import("../strategy/cli/program.js");

const code = await runCli(process.argv);
// `serve` keeps running; every other command ends here.
if (process.argv[2] !== "serve" || code !== 0) process.exit(code);
