// (g) The passport floor: the same app shape with passport.authenticate() in front of
// /whoami and a strategy that accepts every request at once (no parsing, no crypto, no
// database). What passport itself costs per request, which no strategy can undercut.
import passport from "passport";
import { Strategy } from "passport-strategy";
import { listenLoopback, runServer, whoamiApp } from "./runtime.js";

class AcceptEveryone extends Strategy {
  name = "accept";
  override authenticate(): void {
    this.success({ username: "alice" }, { scheme: "none" });
  }
}

runServer(async () => {
  const authenticator = new passport.Passport();
  authenticator.use(new AcceptEveryone());
  const app = whoamiApp("none", authenticator.authenticate("accept", { session: false }));
  return { server: await listenLoopback(app) };
});
