import type { Request, Router } from "express";
import type { z } from "zod";
import { jwksAddBody, jwksListQuery, jwksRemoveQuery } from "../../contract/requests.js";
import type { JwksEndpointListResponse, JwksEndpointRemovedResponse, JwksEndpointResponse } from "../../contract/responses.js";
import { DirectoryError } from "../../store/ports.js";
import { jwksChange } from "../../audit/targets.js";
import { recordChanges } from "../audit.js";
import { targetUsername, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { jwksEndpointJson } from "../responses.js";

/** The store's refusals in this API's words (its not_found: no such user, or for a removal no such URL); anything else as it came. */
function jwksRefusal(error: unknown, username: string, removing = false): unknown {
  if (!(error instanceof DirectoryError)) return error;
  if (error.code === "not_found")
    return removing ? new AdminError("jwks_endpoint_not_found", error.message) : new AdminError("user_not_found", `no user ${username}`);
  if (error.code === "conflict") return new AdminError("jwks_endpoint_exists", error.message);
  if (error.code === "too_many_keys") return new AdminError("too_many_jwks_endpoints", error.message);
  if (error.code === "invalid") return new AdminError("invalid_body", `url: ${error.message}`);
  return error;
}

/** JWKS URLs whose keys sign JWTs in as a user: a user sees and changes their own, an admin anyone's. */
export function registerJwksRoutes(router: Router, ctx: () => AdminContext): void {
  const target = (req: Request, named: string | undefined) => targetUsername(req, named, "you can manage only your own JWKS URLs");

  router.get("/api/jwks", async (req, res) => {
    const username = target(req, parse(jwksListQuery, req.query).user);
    const endpoints = await ctx()
      .store.jwks.list(username)
      .catch((error: unknown) => {
        throw jwksRefusal(error, username);
      });
    res.json({ endpoints: endpoints.map(jwksEndpointJson) } satisfies z.input<typeof JwksEndpointListResponse>);
  });

  router.post("/api/jwks", async (req, res) => {
    const body = parse(jwksAddBody, req.body, "invalid_body");
    const username = target(req, body.username);
    const endpoint = await ctx()
      .store.jwks.add(username, body.url)
      .catch((error: unknown) => {
        throw jwksRefusal(error, username);
      });
    await recordChanges(req, ctx(), jwksChange("jwks.added", endpoint));
    res.status(201).json({ endpoint: jwksEndpointJson(endpoint) } satisfies z.input<typeof JwksEndpointResponse>);
  });

  router.delete("/api/jwks", async (req, res) => {
    const query = parse(jwksRemoveQuery, req.query);
    const username = target(req, query.user);
    const { store } = ctx();
    if (!(await store.directory.lookupUser(username))) throw new AdminError("user_not_found", `no user ${username}`);
    const removed = await store.jwks.remove(username, query.url).catch((error: unknown) => {
      throw jwksRefusal(error, username, true);
    });
    await recordChanges(req, ctx(), jwksChange("jwks.removed", removed));
    res.json({ deleted: true, url: removed.url } satisfies z.input<typeof JwksEndpointRemovedResponse>);
  });
}
