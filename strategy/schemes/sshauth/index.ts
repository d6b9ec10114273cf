/** The sshauth protocol core (Oxide's sshauth token): pure, no HTTP, no storage. */
export {
  decodeSshauthToken,
  encodeSshauthToken,
  formatSha256Fingerprint,
  isValidSshauthIdentity,
  MAX_TOKEN_LENGTH,
  UnverifiedSshauthToken,
  type SshauthAlgorithm,
  type SshauthTokenParts,
  type TokenV1Fields,
} from "./token-codec.js";
export { DEFAULT_MAGIC, signedMessage, signingBlob, type SshauthAction } from "./signed-message.js";
export {
  verifySshauthToken,
  type SshauthCandidateSource,
  type SshauthKeyHints,
  type SshauthPublicKey,
  type SshauthVerified,
  type SshauthVerifyOptions,
} from "./verify.js";
export { signSshauthToken, type SshauthSignOptions } from "./sign.js";
export { BINDING_VERSION, bindingActions, bodySha256, EMPTY_BODY_SHA256, type BindingRequest } from "./binding.js";
