// The admin API contract, shared by the routes (strategy/admin) and the console (admin-ui): zod
// schemas of every request and response, and the one table of error codes and statuses.
export * from "./errors.js";
export * from "./requests.js";
export * from "./responses.js";
export * from "./audit-actions.js";
export * from "./auth-reasons.js";
export type { KeySortColumn } from "../core/key-sort.js";
export * from "./webhooks.js";
export * from "./policy.js";
