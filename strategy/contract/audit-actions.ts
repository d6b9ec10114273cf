/**
 * The one table of audit actions: what each change is called in the audit log (the API, the CLI's
 * `audit list`, the console's filter) and how people read it. Notifications key off these names.
 */
export const auditActions = {
  "key.added": "Key added",
  "key.imported": "Key imported",
  "key.verified": "Key possession proven",
  "key.renamed": "Key renamed",
  "key.expiry_changed": "Key expiry changed",
  "key.options_changed": "Key options changed",
  "key.scopes_changed": "Key scopes changed",
  "key.limits_changed": "Key rate limit changed",
  "key.locked": "Key locked after failed attempts",
  "key.unlocked": "Key unlocked",
  "key.revoked": "Key revoked",
  "key.deleted": "Key deleted",
  "user.created": "User created",
  "user.promoted": "User made administrator",
  "user.demoted": "Administrator rights removed",
  "user.disabled": "User disabled",
  "user.enabled": "User enabled",
  "user.changed": "User settings changed",
  "user.deleted": "User deleted",
  "policy.changed": "Policy changed",
  "ca.trusted": "Certificate authority trusted",
  "ca.revoked": "Certificate authority revoked",
  "ca.removed": "Certificate authority removed",
  "ca.certificate_revoked": "Certificate revoked",
  "jwks.added": "JWKS URL trusted",
  "jwks.removed": "JWKS URL removed",
  "source.added": "Key source added",
  "source.synced": "Key source synced",
  "source.removed": "Key source removed",
  "webhook.added": "Webhook added",
  "webhook.changed": "Webhook changed",
  "webhook.removed": "Webhook removed",
  "session.link_issued": "Console sign-in link issued",
  "session.sign_in": "Console sign-in",
  "session.sign_out": "Console sign-out",
} as const;

export type AuditAction = keyof typeof auditActions;

export const auditActionNames = Object.keys(auditActions) as AuditAction[];
