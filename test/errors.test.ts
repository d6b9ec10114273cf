import { describe, expect, it } from "vitest";
import { AdminError } from "../strategy/admin/errors.js";
import { AgentError, ClientKeyError } from "../strategy/client/errors.js";
import { CrtauthLoginError } from "../strategy/client/crtauth.js";
import { AuthError, isSshKeyError, SshKeyError } from "../strategy/errors.js";
import { KeyFormatError, parsePublicKey } from "../strategy/keys/index.js";
import { DirectoryError } from "../strategy/store/index.js";

describe("one error family", () => {
  it("every refusal the library throws is an SshKeyError with a stable code and typed detail", () => {
    const errors: SshKeyError[] = [
      new AuthError("key_revoked", "revoked", { detail: { userId: "u", keyId: "k" } }),
      new KeyFormatError("rsa_too_short", "short", { detail: { bits: 1024 } }),
      new AdminError("user_disabled", "disabled"),
      new DirectoryError("conflict", "exists"),
      new ClientKeyError("invalid_key", "bad key"),
      new AgentError("agent_unavailable", "no agent"),
      new CrtauthLoginError("wrong_server", "other server"),
    ];
    for (const error of errors) {
      expect(isSshKeyError(error)).toBe(true);
      expect(error).toBeInstanceOf(Error);
      expect(typeof error.code).toBe("string");
      expect(error.name).not.toBe("SshKeyError");
    }
    expect(errors[0]!.detail).toEqual({ userId: "u", keyId: "k" });
    expect((errors[2] as AdminError).status).toBe(403);
    expect(isSshKeyError(new Error("plain"))).toBe(false);
  });

  it("what the key codec throws for bad text is one of them, and a private key's text never rides along", () => {
    let thrown: unknown;
    try {
      parsePublicKey("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----");
    } catch (error) {
      thrown = error;
    }
    expect(isSshKeyError(thrown)).toBe(true);
    expect((thrown as KeyFormatError).code).toBe("private_key");
    expect((thrown as KeyFormatError).detail).toBeUndefined();
    expect((thrown as KeyFormatError).cause).toBeUndefined();
  });
});
