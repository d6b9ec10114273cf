// The console's view of the admin API is the server's contract (strategy/contract): types only,
// so nothing of zod reaches the bundle, and a field renamed on the server fails this build.
export type * from "../../../strategy/contract/index.js";
export type { KeyStatus } from "../../../strategy/core/key-state.js";
