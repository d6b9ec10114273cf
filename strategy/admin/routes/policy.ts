import type { Router } from "express";
import type { z } from "zod";
import { KeyPolicyChange, type KeyPolicyResponse } from "../../contract/policy.js";
import { keysBreakingPolicy } from "../../policy/breaking-keys.js";
import { readKeyPolicy, writeKeyPolicy } from "../../policy/setting.js";
import { requireAdmin, sessionOf, type AdminContext } from "../context.js";
import { parse } from "../parse-input.js";

/** GET /api/policy: anyone signed in (it says which keys they may add); PUT: administrators, changed fields only. */
export function registerPolicyRoutes(router: Router, ctx: () => AdminContext): void {
  const answer = async (isAdmin: boolean): Promise<z.input<typeof KeyPolicyResponse>> => {
    const { store, now } = ctx();
    const reading = await readKeyPolicy(store.settings);
    const breakingKeys = isAdmin ? (await keysBreakingPolicy(store.directory, reading.policy, now())).length : null;
    return { policy: reading.policy, storedError: reading.error, breakingKeys };
  };

  router.get("/api/policy", async (req, res) => {
    res.json(await answer(sessionOf(req).user.isAdmin));
  });

  router.put("/api/policy", async (req, res) => {
    const session = requireAdmin(req);
    const change = parse(KeyPolicyChange, req.body, "invalid_body");
    const { store, now } = ctx();
    const { before, after } = await writeKeyPolicy(store, change);
    await store.audit.append({
      at: new Date(now()),
      actor: { type: "user", id: session.user.id, name: session.user.username },
      ip: req.ip ?? null,
      userAgent: req.get("user-agent") ?? null,
      action: "policy.changed",
      target: { type: "policy", name: "key-policy" },
      before: before.error === null ? before.policy : { storedError: before.error },
      after,
    });
    res.json(await answer(true));
  });
}
