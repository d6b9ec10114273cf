import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyPaste, type KeyPasteEntry } from "../../strategy/keys/index.js";
import { KeyDir } from "../support/ssh-keygen.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());
beforeAll(() => {
  keys.sshKeygen("rsa", "rsa", ["-b", "2048"]);
  keys.sshKeygen("ed25519", "ed25519");
  keys.sshKeygen("ecdsa", "ecdsa", ["-b", "256"]);
  keys.sshKeygen("secret", "ed25519");
});

function summary(entries: KeyPasteEntry[]): string[] {
  return entries.map((e) => `${e.source.line}:${e.ok ? e.key.type : e.problem.code}`);
}

describe("parseKeyPaste", () => {
  it("reads mixed formats, comments, blank lines, CRLF and stray whitespace", () => {
    const pem = keys.run("ssh-keygen", ["-e", "-m", "PKCS8", "-f", keys.path("ecdsa.pub")]).trim();
    const rfc = keys.run("ssh-keygen", ["-e", "-f", keys.path("rsa.pub")]).trim();
    const text = [
      "# my keys", // 1
      "", // 2
      `   ${keys.read("ed25519.pub").trim()}   `, // 3
      "\t", // 4
      ...pem.split("\n"), // 5..8
      `no-pty,command="echo a b" ${keys.read("rsa.pub").trim()}`, // 9
      ...rfc.split("\n"),
    ].join("\r\n");
    expect(summary(parseKeyPaste(text))).toEqual(["3:ssh-ed25519", "5:ecdsa-sha2-nistp256", "9:ssh-rsa", "10:ssh-rsa"]);
  });

  it("reports each bad entry with its line and keeps going", () => {
    const text = [
      keys.read("ed25519.pub").trim(), // 1
      "ssh-rsa", // 2
      "ssh-ed25519 AAAA$$$$", // 3
      ...keys.read("secret").trim().split("\n"), // 4..
      keys.read("ecdsa.pub").trim(),
    ].join("\n");
    const entries = parseKeyPaste(text);
    const privateLines = keys.read("secret").trim().split("\n").length;
    expect(summary(entries)).toEqual(["1:ssh-ed25519", "2:malformed_key", "3:malformed_base64", "4:private_key", `${4 + privateLines}:ecdsa-sha2-nistp256`]);
    for (const line of keys
      .read("secret")
      .split("\n")
      .filter((l) => l.length > 0)) {
      expect(JSON.stringify(entries)).not.toContain(line);
    }
  });

  it("accepts old Mac CR line ends", () => {
    const text = `${keys.read("ed25519.pub").trim()}\r${keys.read("rsa.pub").trim()}\r`;
    expect(summary(parseKeyPaste(text))).toEqual(["1:ssh-ed25519", "2:ssh-rsa"]);
  });

  it("swallows an unterminated private key to the end rather than reading it line by line", () => {
    const body = keys.read("secret").trim().split("\n").slice(0, -1);
    expect(summary(parseKeyPaste(["", ...body, keys.read("ed25519.pub")].join("\n")))).toEqual(["2:private_key"]);
  });

  it("reports a private key body pasted without its armor once", () => {
    const body = keys.read("secret").trim().split("\n").slice(1, -1);
    expect(summary(parseKeyPaste([...body, keys.read("ed25519.pub")].join("\n")))).toEqual(["1:private_key", `${body.length + 1}:ssh-ed25519`]);
  });

  it("returns [] when there is nothing but comments and whitespace", () => {
    expect(parseKeyPaste("")).toEqual([]);
    expect(parseKeyPaste("\uFEFF# nothing\r\n\r\n   \n")).toEqual([]);
  });

  it("refuses a paste over 64 KiB as a whole, and a single key over 16 KiB", () => {
    const line = keys.read("ed25519.pub").trim();
    const big = Array.from({ length: 1000 }, () => line).join("\n");
    expect(summary(parseKeyPaste(big))).toEqual(["1:too_large"]);
    const long = `${line} ${"x".repeat(17 * 1024)}`;
    expect(summary(parseKeyPaste(`${line}\n${long}\n${line}`))).toEqual(["1:ssh-ed25519", "2:too_large", "3:ssh-ed25519"]);
  });

  it("parses a full 64 KiB paste quickly", () => {
    const line = keys.read("ed25519.pub").trim();
    const count = Math.floor((64 * 1024) / (line.length + 1));
    const started = performance.now();
    const entries = parseKeyPaste(Array.from({ length: count }, () => line).join("\n"));
    expect(entries).toHaveLength(count);
    expect(entries.every((e) => e.ok)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("throws TypeError for a non-string", () => {
    expect(() => parseKeyPaste(undefined as unknown as string)).toThrow(TypeError);
  });

  it("a key split over two lines (a wrapped terminal or chat line) is one split_line problem, not two unrelated ones", () => {
    const rsa = keys.read("rsa.pub").trim();
    const ed = keys.read("ed25519.pub").trim();
    const cut = 120;
    const entries = parseKeyPaste([ed, rsa.slice(0, cut), rsa.slice(cut), "not a key", "also not"].join("\n"));
    expect(summary(entries)).toEqual(["1:ssh-ed25519", "2:split_line", "4:malformed_key", "5:malformed_key"]);
    const split = entries[1]!;
    expect(!split.ok && split.problem.message).toBe("This key seems split over two lines (2 and 3): join them into one line.");
    // Two broken lines that do not make a key together stay two problems.
    expect(summary(parseKeyPaste([rsa.slice(0, cut), ed.slice(30)].join("\n"))).map((s) => s.split(":")[1])).not.toContain("split_line");
  });
});
