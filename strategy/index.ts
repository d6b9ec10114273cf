// Public API of passport-sshkey. Anything not exported here is internal.
import type { SessionStore } from "./store/index.js";
import type { LdapSyncOptions, LdapSyncOutcome } from "./sources/ldap/run.js";
import "./passport-options.js";
export { SshKeyStrategy } from "./strategy.js";
export type { SshKeyStrategyOptions, SshKeyAuthInfo, StrategyStore, VerifyCallback, VerifyDone } from "./strategy.js";
export { AuthError, authErrorCodes, isAuthError, isSshKeyError, SshKeyError } from "./errors.js";
export type { AuthErrorCode, AuthErrorDetail } from "./errors.js";
export { statusForCode } from "./http/error-response.js";
export { sshkeyErrorHandler } from "./http/error-handler.js";
export { authFailureOf } from "./http/failure.js";
export type { AuthFailure } from "./http/failure.js";
export { parseAuthorization } from "./http/authorization.js";
export { verifyCredential } from "./core/pipeline.js";
export type { Admit, PipelineDeps } from "./core/pipeline.js";
export type { AnyCodec, Codec, CodecContext, CredentialHints, CredentialSyntax, ReplayClaim, RouteOptions, Verified } from "./core/codec.js";
export type { SchemeName } from "./schemes/registry.js";
/** @deprecated The old name of a wire format's interface: it is a Codec now. */
export type { AnyCodec as AuthScheme } from "./core/codec.js";
export type { RequestView } from "./core/request-view.js";
export { fromExpressRequest } from "./http/express-request.js";
export { maxCandidatesPerCredential } from "./core/candidates.js";
export { keyState, keyStatus, keyStateRefusals, keyStateLabels } from "./core/key-state.js";
export type { KeyState, KeyStatus } from "./core/key-state.js";
export type { FailureThrottleOptions } from "./schemes/failure-throttle.js";
export type { JwksOptions } from "./jwks/options.js";
export { createJwtScheme } from "./schemes/jwt/scheme.js";
export { createCrtauthScheme } from "./schemes/crtauth/scheme.js";
export type { CrtauthSchemeOptions } from "./schemes/crtauth/scheme.js";
export { createCrtauthRouter, CRTAUTH_ERROR_HEADER } from "./schemes/crtauth/router.js";
export type { CrtauthRouterOptions, CrtauthRouterStore } from "./schemes/crtauth/router.js";
export type { CrtauthOptions } from "./schemes/crtauth/options.js";
export { createSshsigTokenRouter } from "./schemes/sshsig/token-router.js";
export type { SshsigTokenRouterOptions } from "./schemes/sshsig/token-router.js";
export type { IssuedSshsigToken } from "./schemes/sshsig/token-scheme.js";
export type { SshsigTokenSchemeOptions } from "./schemes/sshsig/token-options.js";
export { createPublishedKeysRouter } from "./publish/keys-router.js";
export type { PublishedKeysRouterOptions, PublishedKeysRouterStore } from "./publish/keys-router.js";
export { loadOrCreateCrtauthSecret } from "./store/index.js";
export type { JwtSchemeOptions } from "./schemes/jwt/scheme.js";
export { createSshauthScheme } from "./schemes/sshauth/scheme.js";
export type { SshauthSchemeOptions } from "./schemes/sshauth/scheme.js";
export { bindingActions, BINDING_VERSION, bodySha256, type BindingRequest } from "./schemes/sshauth/binding.js";
export type { SshauthAction } from "./schemes/sshauth/signed-message.js";
export type {
  EventSink,
  KeyCandidate,
  KeyStore,
  ReplayStore,
  StoredKey,
  StoredUser,
  AuthEventRecord,
  ChangeFeed,
  KeyDirectory,
  SessionStore,
  SettingsStore,
  EventLog,
  KeyUsageLog,
  KeyUsageDay,
  KeyUsageTotals,
  SshKeyStore,
  UserRecord,
  KeyRecord,
} from "./store/index.js";
export { openPrismaStore, migrateDatabase, PrismaDirectory, DirectoryError, createMemoryStore } from "./store/index.js";
export type { PrismaStore, PrismaStoreOptions, DirectoryOptions, MemoryStoreOptions } from "./store/index.js";
export { createDemoApp } from "./server/demo-app.js";
export * from "./keys/index.js";
export { createAdminRouter, adminStoreOf } from "./admin/router.js";
export { startNotifications } from "./notify/start.js";
export type { NotificationOptions, Notifications } from "./notify/start.js";
export { smtpMailer, mailerFromEnvironment } from "./notify/mail/mailer.js";
export type { Mailer, MailMessage, SmtpOptions } from "./notify/mail/mailer.js";
export { verifyWebhookSignature, webhookHeaders } from "./notify/webhooks/signature.js";
export { notificationEvents, type NotificationEvent } from "./notify/notice.js";
export type { AdminRouterOptions } from "./admin/router.js";
export type { AdminStore } from "./admin/context.js";
export { startLdapSync } from "./sources/ldap/start.js";
export type { LdapSyncRunner } from "./sources/ldap/start.js";
export type { LdapSyncOptions, LdapSyncOutcome } from "./sources/ldap/run.js";
export { ldapOptionsFromEnv } from "./sources/ldap/options.js";
export type { LdapOptions } from "./sources/ldap/options.js";
export type { LdapSyncReport } from "./sources/ldap/sync.js";
export { readLdapStatus } from "./sources/ldap/status.js";
export type { LdapSyncStatus } from "./sources/ldap/status.js";

/**
 * Writes a one-time sign-in link for `userId` and returns its secret (only its SHA-256 is stored).
 * Used by the API's login/jwt and by `passport-sshkey console-link` on the server host.
 */
export async function createSignInLink(
  sessions: SessionStore,
  userId: string,
  options: { now?: number; ttlMs?: number } = {},
): Promise<{ secret: string; expiresAt: Date }> {
  // Imported here, not above: the console's session code and the error pages and contract
  // schemas it reaches would otherwise be held by every app that imports the package (issue 19).
  const { createSignInLink: create } = await import("./admin/sessions.js");
  return create(sessions, userId, options);
}

/**
 * One LDAP sync (sources/ldap/run.ts): reads the directory, applies it to the store, records the outcome.
 *
 * @example
 * const outcome = await runLdapSync({ store, ldap: { url: "ldaps://ldap.example.com", baseDn: "ou=people,dc=example,dc=com" } });
 * if (!outcome.ok) console.error(outcome.error);
 */
export async function runLdapSync(options: LdapSyncOptions): Promise<LdapSyncOutcome> {
  // Imported when called: servers that never sync with LDAP do not hold the sync's code (start memory).
  const { runLdapSync: run } = await import("./sources/ldap/run.js");
  return run(options);
}
