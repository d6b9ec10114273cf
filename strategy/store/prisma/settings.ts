import { randomBytes } from "node:crypto";
import type { Prisma } from "./client.js";

/**
 * Reads the `Setting` row `key`, creating it with `create()` if it does not exist.
 * Safe when several processes start at once on one database: the first insert wins
 * (primary key), the others fail their insert and read the winner's value.
 */
export async function loadOrCreateSetting(prisma: Prisma, key: string, create: () => string): Promise<string> {
  const existing = await prisma.setting.findUnique({ where: { key }, select: { value: true } });
  if (existing) return existing.value;
  const value = create();
  try {
    await prisma.setting.create({ data: { key, value }, select: { key: true } });
    return value;
  } catch (error) {
    // Most likely a unique-constraint race (P2002); anything else resurfaces below.
    const winner = await prisma.setting.findUnique({ where: { key }, select: { value: true } });
    if (!winner) throw error;
    return winner.value;
  }
}

/** The `Setting` key under which `serve` keeps its generated crtauth secret. */
export const CRTAUTH_SECRET_SETTING = "crtauth.secret";

/**
 * The crtauth HMAC secret shared by every instance on this database: generated (32
 * random bytes, base64url) by whichever instance starts first, then read by the others.
 */
export function loadOrCreateCrtauthSecret(prisma: Prisma): Promise<string> {
  return loadOrCreateSetting(prisma, CRTAUTH_SECRET_SETTING, () => randomBytes(32).toString("base64url"));
}
