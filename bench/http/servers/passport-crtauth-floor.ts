// (o) The floor under (e): passport.authenticate() as in (g), with a strategy doing only the
// crtauth token's MAC and window check (bench/lib/crtauth-floor.ts).
import type { Request } from "express";
import passport from "passport";
import { Strategy } from "passport-strategy";
import { assertCrtauthFloorRefusesTampering, crtauthFloorCheck } from "../../lib/crtauth-floor.js";
import { listenLoopback, runServer, whoamiApp } from "./runtime.js";

class CrtauthMacOnly extends Strategy {
  name = "crtauth-mac";
  constructor(private readonly secret: Buffer) {
    super();
  }
  override authenticate(req: Request): void {
    const username = crtauthFloorCheck(req.headers.authorization, this.secret, Date.now());
    if (username === null) this.fail("chap", 401);
    else this.success({ username }, { scheme: "crtauth" });
  }
}

runServer(async () => {
  const secret = process.env.BENCH_CRTAUTH_SECRET;
  if (!secret) throw new Error("BENCH_CRTAUTH_SECRET is required");
  assertCrtauthFloorRefusesTampering(secret);
  const authenticator = new passport.Passport();
  authenticator.use(new CrtauthMacOnly(Buffer.from(secret, "utf8")));
  const app = whoamiApp("crtauth", authenticator.authenticate("crtauth-mac", { session: false }));
  return { server: await listenLoopback(app) };
});
