import type { Router } from "express";
import type { z } from "zod";
import { authorityAddBody, authorityNameParam, authorityRevokeBody } from "../../contract/requests.js";
import type { AuthorityListResponse, AuthorityRemovedResponse, AuthorityResponse } from "../../contract/responses.js";
import { isKeyFormatError } from "../../keys/errors.js";
import { looksLikePrivateKey } from "../../keys/formats/private-key.js";
import { parsePublicKey } from "../../keys/parse.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import { principalMapOf } from "../../store/authorities/rules.js";
import { DirectoryError, type CertificateAuthorityRecord, type CertificateRevocationMatch } from "../../store/ports.js";
import { authorityRemoved, authorityRevoked, authorityTrusted, certificatesRevoked } from "../../audit/targets.js";
import { recordChanges } from "../audit.js";
import { requireAdmin, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { authorityJson } from "../responses.js";

/** The store's not_found and conflict in this API's words; anything else as it came. */
function authorityRefusal(error: unknown, name: string): unknown {
  if (error instanceof DirectoryError && error.code === "not_found") return new AdminError("authority_not_found", `no certificate authority ${name}`);
  if (error instanceof DirectoryError && error.code === "conflict") return new AdminError("authority_exists", error.message);
  return error;
}

/**
 * The CA key as the CLI's `ca add` reads it: the user-key policy (no DSA, no RSA under 2048
 * bits, no degenerate points), and never a certificate or a private key.
 */
function caKey(text: string, policy: Parameters<typeof parsePublicKey>[1]): ParsedPublicKey {
  if (looksLikePrivateKey(text)) throw new AdminError("private_key", "key: this is a private key: it was not stored. Paste the CA's .pub file");
  try {
    return parsePublicKey(text, policy);
  } catch (error) {
    if (isKeyFormatError(error)) throw new AdminError("invalid_key", `key: ${error.message}`);
    throw error;
  }
}

/** Admin only: trusted OpenSSH certificate authorities (the CLI's `ca` commands), read and changed on the store the strategy reads per login. */
export function registerAuthorityRoutes(router: Router, ctx: () => AdminContext): void {
  async function withCounts(rows: CertificateAuthorityRecord[]) {
    const counts = await ctx().store.authorities.countRevocations();
    return rows.map((ca) => authorityJson(ca, counts.get(ca.id) ?? 0));
  }

  async function named(name: string): Promise<CertificateAuthorityRecord> {
    const found = (await ctx().store.authorities.list()).find((ca) => ca.name === name);
    if (!found) throw new AdminError("authority_not_found", `no certificate authority ${name}`);
    return found;
  }

  router.get("/api/authorities", async (req, res) => {
    requireAdmin(req);
    res.json({ authorities: await withCounts(await ctx().store.authorities.list()) } satisfies z.input<typeof AuthorityListResponse>);
  });

  router.post("/api/authorities", async (req, res) => {
    requireAdmin(req);
    const body = parse(authorityAddBody, req.body, "invalid_body");
    const { store } = ctx();
    const key = caKey(body.key, store.directory.keyPolicy);
    let added: CertificateAuthorityRecord;
    try {
      added = await store.authorities.add(body.name, key, principalMapOf(body.principalMap));
    } catch (error) {
      throw authorityRefusal(error, body.name);
    }
    await recordChanges(req, ctx(), authorityTrusted(added));
    res.status(201).json({ authority: authorityJson(added, 0) } satisfies z.input<typeof AuthorityResponse>);
  });

  router.post("/api/authorities/:name/revoke", async (req, res) => {
    requireAdmin(req);
    const { name } = parse(authorityNameParam, req.params);
    const body = parse(authorityRevokeBody, req.body ?? {}, "invalid_body");
    const { authorities } = ctx().store;
    const before = await named(name);
    try {
      if (body.all) {
        if (before.revokedAt) throw new AdminError("already_revoked", `the certificate authority ${name} is already revoked`);
        await recordChanges(req, ctx(), authorityRevoked(before, await authorities.revokeAll(name)));
      } else {
        const match: CertificateRevocationMatch =
          body.serial !== undefined
            ? { serial: BigInt(body.serial) }
            : body.keyId !== undefined
              ? { keyId: body.keyId }
              : { keyFingerprint: body.keyFingerprint! };
        await authorities.revokeCertificates(name, match, body.reason);
        const which = { serial: body.serial, keyId: body.keyId, keyFingerprint: body.keyFingerprint };
        await recordChanges(req, ctx(), certificatesRevoked(before, JSON.parse(JSON.stringify(which)) as Record<string, unknown>, body.reason));
      }
    } catch (error) {
      throw authorityRefusal(error, name);
    }
    const [updated] = await withCounts([await named(name)]);
    res.json({ authority: updated! } satisfies z.input<typeof AuthorityResponse>);
  });

  router.delete("/api/authorities/:name", async (req, res) => {
    requireAdmin(req);
    const { name } = parse(authorityNameParam, req.params);
    try {
      await recordChanges(req, ctx(), authorityRemoved(await ctx().store.authorities.remove(name)));
    } catch (error) {
      throw authorityRefusal(error, name);
    }
    res.json({ deleted: true, name } satisfies z.input<typeof AuthorityRemovedResponse>);
  });
}
