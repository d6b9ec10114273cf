// (g) The passport floor: the same app shape with passport.authenticate() in front of
// /whoami and a strategy that accepts every request at once (no parsing, no crypto, no
// database). What passport itself costs per request, which no strategy can undercut.
import express from "express";
import passport from "passport";
import { Strategy } from "passport-strategy";
import { listenLoopback, runServer } from "./runtime.js";

class AcceptEveryone extends Strategy {
  name = "accept";
  override authenticate(): void {
    this.success({ username: "alice" }, { scheme: "none" });
  }
}

runServer(async () => {
  const authenticator = new passport.Passport();
  authenticator.use(new AcceptEveryone());
  const app = express();
  app.set("trust proxy", false);
  app.disable("x-powered-by");
  app.get("/whoami", authenticator.authenticate("accept", { session: false }), (req, res) => {
    const user = req.user as { username: string };
    res.json({ username: user.username, scheme: "none", fingerprint: "SHA256:-" });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: "not_found", message: "no such route" } });
  });
  return { server: await listenLoopback(app) };
});
