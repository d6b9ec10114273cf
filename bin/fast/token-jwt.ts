// Built into one file (package.json "build:fast"): loading its ~30 modules one by one was most of the command's start.
export { runTokenJwtFast as runFast } from "../../strategy/cli/token-jwt-fast.js";
