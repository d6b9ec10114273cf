// Proof of possession with signatures made by OpenSSH's own ssh-keygen -Y sign.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ImportError } from "../../strategy/import/errors.js";
import { possessionChallenge, possessionCommand, possessionNamespace, verifyPossession } from "../../strategy/import/possession.js";
import { parsePublicKey } from "../../strategy/keys/index.js";
import { makeTmpDir, sshKeygen, type KeyKind } from "../support/ssh-keygen.js";

const tmp = makeTmpDir("pssk-possession-");
afterAll(() => tmp.cleanup());

function sign(keyPath: string, message: string, namespace = possessionNamespace, extra: string[] = []): string {
  return execFileSync("ssh-keygen", ["-Y", "sign", "-n", namespace, ...extra, "-f", keyPath], {
    input: message,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).code).toBe("possession_not_proven");
    return (error as ImportError).message;
  }
  throw new Error("expected a refusal");
}

describe("proof of possession", () => {
  const secret = "test-secret";

  it.each<KeyKind>(["ed25519", "ecdsa256", "rsa"])("a %s key's signature of its own challenge proves it; the shell command is the documented one", (kind) => {
    const file = sshKeygen(tmp.dir, `own-${kind}`, kind);
    const key = parsePublicKey(readFileSync(`${file}.pub`, "utf8"));
    const challenge = possessionChallenge(secret, "user-1", key.fingerprintSha256);
    expect(challenge).toMatch(/^passport-sshkey verify SHA256:\S+ [A-Za-z0-9_-]{43}$/);
    const shell = possessionCommand(challenge, file);
    const signature = execFileSync("sh", ["-c", shell], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(() => verifyPossession(key, challenge, signature)).not.toThrow();
    expect(() => verifyPossession(key, challenge, sign(file, challenge, possessionNamespace, ["-O", "hashalg=sha256"]))).not.toThrow();
  });

  it("refuses another key's, another user's or another key's challenge, another namespace, and a tampered signature", () => {
    const file = sshKeygen(tmp.dir, "mine", "ed25519");
    const other = sshKeygen(tmp.dir, "other", "ed25519");
    const key = parsePublicKey(readFileSync(`${file}.pub`, "utf8"));
    const otherKey = parsePublicKey(readFileSync(`${other}.pub`, "utf8"));
    const challenge = possessionChallenge(secret, "user-1", key.fingerprintSha256);
    expect(refusal(() => verifyPossession(key, challenge, sign(other, challenge)))).toMatch(/another key/);
    const forOtherUser = possessionChallenge(secret, "user-2", key.fingerprintSha256);
    expect(forOtherUser).not.toBe(challenge);
    expect(refusal(() => verifyPossession(key, challenge, sign(file, forOtherUser)))).toMatch(/not a signature of this key's challenge/);
    const forOtherKey = possessionChallenge(secret, "user-1", otherKey.fingerprintSha256);
    expect(refusal(() => verifyPossession(key, challenge, sign(file, forOtherKey)))).toMatch(/not a signature of this key's challenge/);
    expect(possessionChallenge("another-secret", "user-1", key.fingerprintSha256)).not.toBe(challenge);
    expect(refusal(() => verifyPossession(key, challenge, sign(file, challenge, "http@passport-sshkey")))).toMatch(/namespace "http@passport-sshkey"/);
    const good = sign(file, challenge);
    const lines = good.trim().split("\n");
    const body = lines.slice(1, -1).join("");
    const flipped = `${body.slice(0, -8)}${body.slice(-8, -4) === "AAAA" ? "BBBB" : "AAAA"}${body.slice(-4)}`;
    expect(refusal(() => verifyPossession(key, challenge, `${lines[0]}\n${flipped}\n${lines.at(-1)}\n`))).toMatch(/does not prove/);
  });

  it.each([
    ["empty", ""],
    ["not armored", "c2lnbmF0dXJl"],
    ["a truncated armor", "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n"],
    ["a truncated blob", "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----\n"],
    ["another magic", "-----BEGIN SSH SIGNATURE-----\nWFhYWFhYAAAAAQ==\n-----END SSH SIGNATURE-----\n"],
    ["oversized", `-----BEGIN SSH SIGNATURE-----\n${"A".repeat(20_000)}\n-----END SSH SIGNATURE-----\n`],
    ["not text", 42 as unknown as string],
  ])("refuses %s input with a reason", (_what, input) => {
    const file = sshKeygen(tmp.dir, `hostile-${_what.replace(/\W/g, "")}`, "ed25519");
    const key = parsePublicKey(readFileSync(`${file}.pub`, "utf8"));
    expect(refusal(() => verifyPossession(key, possessionChallenge(secret, "u", key.fingerprintSha256), input))).toMatch(/does not prove/);
  });
});
