// JSON shapes of the admin API (strategy/admin/routes/*). Dates arrive as ISO strings.

export type KeyStatus = "active" | "revoked" | "expired";

export interface Key {
  id: string;
  username: string;
  type: string;
  bits: number;
  openssh: string;
  fingerprintSha256: string;
  fingerprintMd5: string;
  kid: string;
  comment: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedScheme: string | null;
  useCount: number;
  revokedAt: string | null;
  revokedReason: string | null;
  status: KeyStatus;
  /** Set when the server refuses this stored key at sign-in (e.g. a weak Ed25519 point). */
  problem: { code: string; message: string } | null;
}

export interface KeyEvent {
  id: number;
  at: string;
  scheme: string;
  outcome: "success" | "failure";
  errorCode: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuthEvent extends KeyEvent {
  username: string | null;
  userId: string | null;
  keyId: string | null;
  keyFingerprint: string | null;
  keyComment: string | null;
}

export type PreviewEntry =
  | {
      ok: true;
      line: number;
      type: string;
      bits: number;
      fingerprintSha256: string;
      fingerprintMd5: string;
      kid: string;
      comment: string;
      openssh: string;
    }
  | { ok: false; line: number; problem: { code: string; message: string } };

export interface User {
  id: string;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
  keyCount?: number | undefined;
}

export interface Me {
  user: User;
  isAdmin: boolean;
  csrfToken: string;
  session: { createdAt: string; expiresAt: string; idleExpiresAt: string };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
