import type { Router } from "express";
import type { z } from "zod";
import type { LdapStatusResponse } from "../../contract/responses.js";
import { readLdapStatus } from "../../sources/ldap/status.js";
import { requireAdmin, type AdminContext } from "../context.js";

/** The LDAP sync's last outcome, for administrators (what `ldap status` prints). */
export function registerLdapRoutes(router: Router, ctx: () => AdminContext): void {
  router.get("/api/ldap/status", async (req, res) => {
    requireAdmin(req);
    const settings = ctx().store.settings;
    const status = settings ? await readLdapStatus(settings) : null;
    res.json({
      status: status && {
        lastRunAt: status.lastRunAt,
        lastError: status.lastError,
        lastSuccessAt: status.lastSuccessAt,
        entries: status.counts?.entries ?? null,
        added: status.counts?.added ?? null,
        removed: status.counts?.removed ?? null,
        skipped: status.skipped,
      },
    } satisfies z.input<typeof LdapStatusResponse>);
  });
}
