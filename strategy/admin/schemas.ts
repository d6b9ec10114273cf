import { z } from "zod";
import { AdminError } from "./errors.js";

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());
/** An ISO date or date-time, as a Date. */
export const dateInput = isoDate.transform((value) => new Date(value));

const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(500).optional();
const search = z.string().max(200).optional();
const username = z.string().min(1).max(64);

export const keyListQuery = z.object({
  q: search,
  user: username.optional(),
  status: z.enum(["active", "revoked", "expired"]).optional(),
  cursor,
  limit,
});

export const keyPreviewBody = z.strictObject({ text: z.string().max(60_000) });

export const keyAddBody = z.strictObject({
  text: z.string().min(1).max(60_000),
  comment: z.string().max(200).optional(),
  expiresAt: dateInput.nullable().optional(),
  username: username.optional(),
});

export const keyPatchBody = z
  .strictObject({
    comment: z.string().max(200).optional(),
    expiresAt: dateInput.nullable().optional(),
  })
  .refine((b) => b.comment !== undefined || b.expiresAt !== undefined, { message: "give comment and/or expiresAt" });

export const keyRevokeBody = z.strictObject({ reason: z.string().max(500).optional() });

export const keyIdParam = z.object({ id: z.string().min(1).max(64) });

export const userListQuery = z.object({ q: search, cursor, limit });

export const userCreateBody = z.strictObject({ username, isAdmin: z.boolean().optional() });

export const userPatchBody = z
  .strictObject({ isAdmin: z.boolean().optional(), disabled: z.boolean().optional() })
  .refine((b) => b.isAdmin !== undefined || b.disabled !== undefined, { message: "give isAdmin and/or disabled" });

export const usernameParam = z.object({ username });

export const eventListQuery = z.object({
  user: z.string().min(1).max(256).optional(),
  key: z.string().min(1).max(64).optional(),
  scheme: z.string().min(1).max(32).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  from: dateInput.optional(),
  to: dateInput.optional(),
  cursor,
  limit,
});

/** Opaque pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeCursor<T>(text: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (text === undefined || text === "") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new AdminError(400, "invalid_cursor", "the cursor is not one this API gave out");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AdminError(400, "invalid_cursor", "the cursor is not one this API gave out");
  return parsed.data;
}

/** Parses a request part with a zod schema; a failure is a 400 naming the field. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, code: "invalid_request" | "invalid_body" = "invalid_request"): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : code === "invalid_body" ? "body" : "query";
  throw new AdminError(400, code, `${where}: ${issue?.message ?? "invalid"}`.slice(0, 300));
}
