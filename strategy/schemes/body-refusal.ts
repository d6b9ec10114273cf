import { AuthError } from "../errors.js";

/**
 * The request body's fault (core/request-view.ts BodyFault) in a scheme's terms: `scheme`
 * names it ("SSHSIG"), `option` the setting that caps it ("sshsig.maxBodyBytes").
 */
export function bodyRefusal(error: AuthError, maxBytes: number, scheme: string, option: string): AuthError {
  if (error.detail?.body === "too_large") {
    return new AuthError("body_too_large", `the request body is larger than the ${maxBytes} bytes ${scheme} verifies (${option})`);
  }
  if (error.detail?.body === "parsed") {
    return new AuthError(
      "body_unavailable",
      "the request body was parsed before authentication, so its exact bytes cannot be verified: mount the strategy before the body parser, " +
        "or keep the bytes (express.raw(), express.text(), or express.json({ verify: (req, res, buf) => { req.rawBody = buf } }))",
    );
  }
  return error.detail?.body === "unreadable" ? new AuthError("body_unavailable", "the request body could not be read") : error;
}
