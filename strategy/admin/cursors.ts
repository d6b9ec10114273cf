import type { z } from "zod";
import { AdminError } from "./errors.js";

/** Opaque pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** The sort key a cursor holds, checked against the contract's cursor schema; anything else is invalid_cursor. */
export function decodeCursor<T>(text: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (text === undefined || text === "") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new AdminError("invalid_cursor", "the cursor is not one this API gave out");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AdminError("invalid_cursor", "the cursor is not one this API gave out");
  return parsed.data;
}
