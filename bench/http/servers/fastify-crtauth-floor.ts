// (n) The floor under (l): Fastify's hello with a preHandler doing only the crtauth token's MAC
// and window check (bench/lib/crtauth-floor.ts), answering 401 otherwise.
import Fastify from "fastify";
import { assertCrtauthFloorRefusesTampering, crtauthFloorCheck } from "../../lib/crtauth-floor.js";
import { runServer } from "./runtime.js";

runServer(async () => {
  const secretText = process.env.BENCH_CRTAUTH_SECRET;
  if (!secretText) throw new Error("BENCH_CRTAUTH_SECRET is required");
  assertCrtauthFloorRefusesTampering(secretText);
  const secret = Buffer.from(secretText, "utf8");
  const app = Fastify();
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: "not_found", message: "no such route" } }));
  app.get(
    "/whoami",
    {
      preHandler: async (request, reply) => {
        const username = crtauthFloorCheck(request.headers.authorization, secret, Date.now());
        if (username === null) return reply.code(401).send({ error: { code: "unauthorized", message: "bad token" } });
        request.user = { username };
      },
    },
    async (request) => ({ username: (request.user as { username: string }).username, scheme: "crtauth", fingerprint: "SHA256:-" }),
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { server: app.server, close: () => app.close() };
});
