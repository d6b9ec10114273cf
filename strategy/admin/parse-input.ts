import type { z } from "zod";
import { AdminError } from "./errors.js";

/** Parses a request part with one of the contract's request schemas; a failure is a 400 naming the field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, code: "invalid_request" | "invalid_body" = "invalid_request"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : code === "invalid_body" ? "body" : "query";
  throw new AdminError(code, `${where}: ${issue?.message ?? "invalid"}`.slice(0, 300));
}
