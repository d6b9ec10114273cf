// passport-sshkey/fastify: the strategy as a Fastify plugin. Nothing here loads Express or passport.
import fp from "fastify-plugin";
import type { SshKeyAuthInfo } from "../strategy.js";
import { sshKeyPlugin, type FastifySshKeyOptions, type SshKeyFastify } from "./plugin.js";

export type { FastifySshKeyOptions, SshKeyFastify, SshKeyRouteOptions } from "./plugin.js";
export type { SshKeyAuthInfo, SshKeyStrategyOptions, VerifyCallback } from "../strategy.js";
export { fromFastifyRequest } from "./request-view.js";

declare module "fastify" {
  interface FastifyInstance {
    sshKey: SshKeyFastify;
  }
  interface FastifyRequest {
    /** The authenticated user (the stored user, or what the verify callback mapped it to); null on routes without the hook. */
    sshKeyUser: Express.User | null;
    /** How the request was authenticated: { scheme, fingerprint, keyId, keyType, keyComment }. */
    sshKeyAuth: SshKeyAuthInfo | null;
  }
}

/**
 * Fastify plugin: SSH-key authentication on the routes that ask for it.
 *
 * @example
 * await app.register(fastifySshKey); // the options of new SshKeyStrategy(options)
 * app.get("/api/me", { preHandler: app.sshKey.authenticate() }, (request) => ({ user: request.sshKeyUser }));
 */
export const fastifySshKey = fp<FastifySshKeyOptions>(sshKeyPlugin, { name: "passport-sshkey", fastify: "5.x" });
