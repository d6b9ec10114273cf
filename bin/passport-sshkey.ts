#!/usr/bin/env node
import { runCli } from "../strategy/cli/program.js";

const code = await runCli(process.argv);
// `serve` keeps running; every other command ends here.
if (process.argv[2] !== "serve" || code !== 0) process.exit(code);
