// Route options this strategy reads, added to passport's own so that
// `passport.authenticate("sshkey", { session: false, sshauthBinding: true })` type-checks in apps.
import type {} from "passport";

declare module "passport" {
  interface AuthenticateOptions {
    /** sshauth: require (true) or waive (false) request binding on this route, overriding `sshauth.bindRequests`. */
    sshauthBinding?: boolean;
  }
}
