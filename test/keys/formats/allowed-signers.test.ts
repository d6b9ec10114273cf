// The allowed_signers grammar as sshsig.c reads it, line by line, and what it does with hostile text.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllowedSigners, type AllowedSignersEntry } from "../../../strategy/keys/formats/allowed-signers.js";
import { isPattern, patternListMatches } from "../../../strategy/keys/formats/ssh-pattern.js";
import { KeyDir } from "../../support/ssh-keygen.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());
const key = keys.sshKeygen("k", "ed25519").trim();
const [keyType, keyData] = key.split(" ");

function one(line: string): AllowedSignersEntry {
  const entries = parseAllowedSigners(line);
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

function problem(line: string): string {
  const entry = one(line);
  if (entry.ok) throw new Error(`parsed: ${line}`);
  return entry.message;
}

describe("parseAllowedSigners", () => {
  it("reads principals, options and the key, numbering lines through comments, blanks, CRLF and a BOM", () => {
    const text = `\uFEFF# signers\r\n\r\n  alice@example.com,alice ${key}\r\n\t# indented comment\n"bob builder" namespaces="git",cert-authority ${key}\n`;
    const [a, b, ...rest] = parseAllowedSigners(text);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      ok: true,
      line: 3,
      principals: ["alice@example.com", "alice"],
      certAuthority: false,
      namespaces: null,
      validAfter: null,
      validBefore: null,
    });
    expect(a?.ok && a.key.ok && a.key.key.openssh).toBe(`${keyType} ${keyData}`);
    expect(a?.ok && a.key.ok && a.key.key.comment).toBe("k@test");
    expect(b).toMatchObject({ ok: true, line: 5, principals: ["bob builder"], certAuthority: true, namespaces: "git" });
  });

  it('reads option names in any case and \\" inside values, as opt_dequote does', () => {
    expect(one(`a NAMESPACES="git,\\"odd\\"",Cert-Authority ${key}`)).toMatchObject({ ok: true, namespaces: 'git,"odd"', certAuthority: true });
  });

  it("reads times as YYYYMMDD[HHMM[SS]], local unless they end in Z or UTC", () => {
    const times = (after: string, before: string) => {
      const entry = one(`a valid-after="${after}",valid-before="${before}" ${key}`);
      if (!entry.ok) throw new Error(entry.message);
      return [entry.validAfter?.getTime(), entry.validBefore?.getTime()];
    };
    expect(times("20240102", "20300101Z")).toEqual([new Date(2024, 0, 2).getTime(), Date.UTC(2030, 0, 1)]);
    expect(times("202401021314", "20300101235959utc")).toEqual([new Date(2024, 0, 2, 13, 14).getTime(), Date.UTC(2030, 0, 1, 23, 59, 59)]);
    expect(times("20240102131415Z", "20240102131416Z")).toEqual([Date.UTC(2024, 0, 2, 13, 14, 15), Date.UTC(2024, 0, 2, 13, 14, 16)]);
  });

  it.each([
    ["no key", "alice", "the line has principals but no key"],
    ["options and no key", 'alice namespaces="git"', "the options are not followed by a key"],
    ["a quoted field left open", `"alice ${key}`, "the quoted principals have no closing quote"],
    ["a quote glued to the next field", `"alice"bob ${key}`, "the quoted principals must be followed by a space"],
    ["an empty principal list", `"" ${key}`, "the line names no principal"],
    ["an option value left open", `alice namespaces="git ${key}`, "the namespaces value has no closing quote"],
    ["an unquoted option value", `alice namespaces=git ${key}`, "the namespaces value must be in double quotes"],
    ["an unknown option", `alice restrict ${key}`, '"restrict" is neither a key type nor an allowed_signers option'],
    ["an option twice", `alice namespaces="a",namespaces="b" ${key}`, "the line has namespaces twice"],
    ["a trailing comma", `alice cert-authority, ${key}`, "an option is missing after a comma"],
    ["a comma at the end of the line", "alice cert-authority,", "the options end with a comma"],
    ["junk after an option", `alice cert-authority;x ${key}`, "the options are malformed after cert-authority"],
    ["a short time", `alice valid-before="2030" ${key}`, 'valid-before="2030" is not a time as YYYYMMDD[HHMM[SS]][Z]'],
    ["the 30th of February", `alice valid-before="20300230" ${key}`, 'valid-before="20300230" is not a time as YYYYMMDD[HHMM[SS]][Z]'],
    ["month 13", `alice valid-after="20301301Z" ${key}`, 'valid-after="20301301Z" is not a time as YYYYMMDD[HHMM[SS]][Z]'],
    ["the epoch", `alice valid-after="19700101Z" ${key}`, 'valid-after="19700101Z" is not a time as YYYYMMDD[HHMM[SS]][Z]'],
    ["before not after after", `alice valid-after="20300101Z",valid-before="20300101Z" ${key}`, "valid-before is not later than valid-after"],
    ["a line of 20 000 characters", `alice ${keyType} ${"A".repeat(20_000)}`, "the line is longer than 16 KiB"],
  ])("refuses %s with a reason", (_, line, message) => {
    expect(problem(line)).toBe(message);
  });

  it("hands the key text to the key parser: its refusals are per line, with the parser's code", () => {
    const [weak, truncated] = parseAllowedSigners(
      `peggy ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\ntrent ${keyType} ${keyData!.slice(0, -4)}`,
    );
    expect(weak).toMatchObject({ ok: true, line: 1, key: { ok: false, problem: { code: "weak_key" } } });
    expect(truncated).toMatchObject({ ok: true, line: 2, key: { ok: false, problem: { code: "malformed_key" } } });
    expect(one(`nul ${key}\u0000`)).toMatchObject({ ok: true, key: { ok: false, problem: { code: "malformed_key" } } });
  });

  it("never throws on random text and reads 10 000 lines in bounded time", () => {
    for (let i = 0; i < 200; i++) {
      const text = randomBytes(400).toString("latin1") + randomBytes(200).toString("utf8");
      expect(() => parseAllowedSigners(text)).not.toThrow();
    }
    const lines = Array.from({ length: 10_000 }, (_, i) => [`u${i} ${key}`, `"u${i}`, `u${i} namespaces="${"*".repeat(200)}`][i % 3]);
    const started = performance.now();
    const entries = parseAllowedSigners(lines.join("\n"));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(entries).toHaveLength(10_000);
    expect(entries.filter((e) => e.ok && e.key.ok)).toHaveLength(3334);
  });
});

describe("OpenSSH pattern lists", () => {
  it.each([
    ["http@passport-sshkey", "git,http@*", true],
    ["http@passport-sshkey", "git", false],
    ["http@passport-sshkey", "*,!http@*", false],
    ["http@passport-sshkey", "http@passport-sshke?", true],
    ["http@passport-sshkey", "HTTP@*", false],
    ["git", "", false],
  ])("%s against %s: %s", (text, list, matches) => {
    expect(patternListMatches(text, list)).toBe(matches);
  });

  it("answers a hostile pattern in bounded time", () => {
    const started = performance.now();
    expect(patternListMatches("a".repeat(5_000), `${"*a".repeat(2_000)}b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("tells patterns from names", () => {
    expect(["*@example.com", "a?c", "!bob", "alice@example.com"].map(isPattern)).toEqual([true, true, true, false]);
  });
});
