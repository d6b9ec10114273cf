// Built into one file (package.json "build:fast"): loading its ~30 modules one by one was most of the command's start.
export { runAuthorizedKeysFast as runFast } from "../../strategy/cli/authorized-keys-fast.js";
