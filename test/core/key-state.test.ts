import { describe, expect, it } from "vitest";
import { keyState, keyStateRefusals, keyStatus } from "../../strategy/core/key-state.js";

const now = Date.parse("2026-06-01T00:00:00Z");

describe("key state", () => {
  it("revoked wins over expired, and an expiry at exactly now has passed", () => {
    expect(keyStatus({ revokedAt: new Date(now - 1), expiresAt: new Date(now - 1) }, now)).toBe("revoked");
    expect(keyStatus({ revokedAt: null, expiresAt: new Date(now) }, now)).toBe("expired");
    expect(keyStatus({ revokedAt: null, expiresAt: new Date(now + 1) }, now)).toBe("active");
    expect(keyStatus({ revokedAt: null, expiresAt: "2026-05-31T23:59:59Z" }, now)).toBe("expired");
  });

  it("an unverified key never signs in; revoked and expired say more", () => {
    expect(keyStatus({ revokedAt: null, expiresAt: null, unverified: true }, now)).toBe("unverified");
    expect(keyState({ revokedAt: null, expiresAt: null, unverified: true }, false, now)).toBe("unverified");
    expect(keyStatus({ revokedAt: new Date(now), expiresAt: null, unverified: true }, now)).toBe("revoked");
    expect(keyStatus({ revokedAt: null, expiresAt: new Date(now), unverified: true }, now)).toBe("expired");
    expect(keyStatus({ revokedAt: null, expiresAt: null, unverified: false }, now)).toBe("active");
  });

  it("a disabled owner makes an otherwise active key unusable, but not a revoked one's reason", () => {
    expect(keyState({ revokedAt: null, expiresAt: null }, true, now)).toBe("user_disabled");
    expect(keyState({ revokedAt: new Date(now), expiresAt: null }, true, now)).toBe("revoked");
    expect(keyState({ revokedAt: null, expiresAt: null }, false, now)).toBe("active");
  });

  it("has one refusal per unusable state", () => {
    expect(Object.values(keyStateRefusals).map((r) => r.code)).toEqual([
      "key_revoked",
      "key_expired",
      "key_unverified",
      "key_locked",
      "user_disabled",
      "key_policy",
    ]);
  });

  it("a lock holds until its end, after the key's own state and before its owner's", () => {
    const locked = { revokedAt: null, expiresAt: null, lockedUntil: new Date(now + 1) };
    expect(keyState(locked, true, now)).toBe("locked");
    expect(keyState({ ...locked, lockedUntil: new Date(now) }, false, now)).toBe("active");
    expect(keyState({ ...locked, revokedAt: new Date(now) }, false, now)).toBe("revoked");
    // A lock is not the key's own status: the key list still says active.
    expect(keyStatus(locked, now)).toBe("active");
  });
});
