// Stored key rows are read with the OpenSSH line codec alone (strategy/keys/stored-key.ts): the
// same key as parsePublicKey gives for every key type, and the same refusals for rows that
// would be refused at upload today.
import { afterAll, describe, expect, it } from "vitest";
import { KeyFormatError, parsePublicKey } from "../../strategy/keys/index.js";
import { parseStoredKey } from "../../strategy/keys/stored-key.js";
import { sshString } from "../../strategy/keys/wire.js";
import { softwareFidoKey } from "../support/software-fido.js";
import { KeyDir } from "../support/ssh-keygen.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());

function refusal(text: string, policy = {}): string {
  try {
    parseStoredKey(text, policy);
  } catch (error) {
    if (error instanceof KeyFormatError) return error.code;
    throw error;
  }
  throw new Error(`accepted ${text.slice(0, 40)}`);
}

const identityPoint = `ssh-ed25519 ${Buffer.concat([sshString("ssh-ed25519"), sshString(Buffer.from(`01${"00".repeat(31)}`, "hex"))]).toString("base64")}`;

describe("parseStoredKey", () => {
  it("reads every key type as parsePublicKey does, fingerprints and security-key facts included", () => {
    const lines = [
      keys.sshKeygen("ed", "ed25519"),
      keys.sshKeygen("rsa", "rsa", ["-b", "2048"]),
      keys.sshKeygen("p256", "ecdsa", ["-b", "256"]),
      keys.sshKeygen("p384", "ecdsa", ["-b", "384"]),
      keys.sshKeygen("p521", "ecdsa", ["-b", "521"]),
      softwareFidoKey("ed25519").publicLine,
      softwareFidoKey("ecdsa").publicLine,
    ];
    for (const line of lines) {
      const stored = parsePublicKey(line).openssh;
      const { keyObject: _a, ...viaStored } = parseStoredKey(stored);
      const { keyObject: _b, ...viaParse } = parsePublicKey(stored);
      expect(viaStored, stored.split(" ")[0]).toEqual(viaParse);
    }
  });

  it("refuses what upload refuses today, and text that is not one key line", () => {
    expect(refusal(identityPoint)).toBe("weak_key");
    const rsa = parsePublicKey(keys.sshKeygen("rsa3072", "rsa", ["-b", "3072"])).openssh;
    expect(refusal(rsa, { rsaMaxBits: 2048 })).toBe("too_large");
    const ed = parsePublicKey(keys.sshKeygen("ed2", "ed25519")).openssh;
    expect(refusal(`ssh-rsa ${ed.split(" ")[1]}`)).toBe("malformed_key");
    expect(refusal(`${ed}\nssh-ed25519 AAAA`)).toBe("malformed_key");
    expect(refusal(`${ed} comment\u0007`)).toBe("malformed_key");
    expect(refusal(`${ed.slice(0, -4)}`)).toBe("malformed_key");
    expect(refusal(`ssh-ed25519 ${"A".repeat(20_000)}`)).toBe("too_large");
    expect(refusal("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----")).toBe("malformed_key");
    expect(refusal("")).toBe("malformed_key");
  });
});
