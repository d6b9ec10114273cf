// (c)/(d) passport-jwt 4 verifying RS256 with a static key, set up as its README shows
// (`secretOrKey` = the PEM string, argv "pem") or with a pre-parsed KeyObject ("keyobject").
// Same app shape as the demo: a Passport instance (no initialize(), as neither README uses it),
// /whoami answering the same JSON.
import crypto from "node:crypto";
import passport from "passport";
import { ExtractJwt, Strategy as JwtStrategy } from "passport-jwt";
import { listenLoopback, runServer, whoamiApp } from "./runtime.js";

runServer(async () => {
  const mode = process.argv[2];
  const pem = process.env.BENCH_PUBLIC_PEM;
  if (!pem || (mode !== "pem" && mode !== "keyobject")) throw new Error("usage: passport-jwt.ts pem|keyobject with BENCH_PUBLIC_PEM");
  // @types/passport-jwt declares string | Buffer; jsonwebtoken 9 (which passport-jwt calls) takes a KeyObject too.
  const secretOrKey = (mode === "pem" ? pem : crypto.createPublicKey(pem)) as unknown as string;
  const authenticator = new passport.Passport();
  authenticator.use(
    new JwtStrategy(
      { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey, algorithms: ["RS256"] },
      (payload: { sub?: string }, done: (error: unknown, user?: unknown) => void) => done(null, { username: payload.sub }),
    ),
  );
  const app = whoamiApp("jwt", authenticator.authenticate("jwt", { session: false }));
  return { server: await listenLoopback(app) };
});
