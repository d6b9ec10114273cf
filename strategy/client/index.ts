/** Client side: sign requests with an SSH key from a file or from the running ssh-agent. */
export type { RsaHash, Signer } from "./signer.js";
export type { ClientRsaHash, ClientSigner } from "./signature.js";
export { loadKeyFileSigner, type KeyFileSource, type LoadKeyFileOptions } from "./key-file-signer.js";
export { agentSigner, listAgentKeys, openAgentKeyring, type AgentKeyring, type AgentOptions, type AgentSignerOptions } from "./agent-signer.js";
export { keyFitsScheme, nextKeyCodes, refusalCode, tryKeysInTurn, type KeyAttemptResult } from "./agent-key-choice.js";
export { createJwtAuthorization, createJwtToken, type CreateJwtOptions, type JwtAlgorithm } from "./jwt.js";
export {
  AgentError,
  ClientError,
  ClientKeyError,
  agentErrorCodes,
  clientKeyErrorCodes,
  clockSkewHint,
  isClientError,
  serverRefusal,
  type AgentErrorCode,
  type ClientErrorCode,
  type ClientKeyErrorCode,
  type ServerRefusal,
} from "./errors.js";
export {
  crtauthLogin,
  crtauthLoginWithKeys,
  crtauthTokenLifetimeMs,
  crtauthTokens,
  CrtauthLoginError,
  CrtauthTokenCache,
  type CrtauthLoginErrorCode,
  type CrtauthLoginOptions,
} from "./crtauth.js";
export { sshsigAuthorization, type SshsigAuthorizationOptions } from "./sshsig.js";
export { withCertificate, type CertificateSource } from "./certificate.js";
export { authorizationFor, requestHeadersFor, sshkeyFetch, type AuthorizeOptions, type ClientScheme, type RequestToSign } from "./authorize.js";
export { rfc9421Headers, type Rfc9421Headers, type Rfc9421HeadersOptions, type Rfc9421SigningOptions } from "./rfc9421.js";
export { signSshauthToken, type SshauthSignOptions } from "../schemes/sshauth/sign.js";
export { bindingActions, BINDING_VERSION, type BindingRequest } from "../schemes/sshauth/binding.js";
export type { SshauthAction } from "../schemes/sshauth/signed-message.js";
export { sshsigSession, SshsigSessionError, type SshsigSession, type SshsigSessionOptions } from "./sshsig-session.js";
