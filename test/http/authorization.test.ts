import { describe, expect, it } from "vitest";
import { maxAuthorizationLength, parseAuthorization } from "../../strategy/http/authorization.js";

describe("parseAuthorization", () => {
  it("splits the scheme word (case-insensitively) from the credential", () => {
    expect(parseAuthorization("JWT a.b.c")).toEqual({ kind: "credential", word: "jwt", credential: "a.b.c" });
    expect(parseAuthorization("jWt   a.b.c  ")).toEqual({ kind: "credential", word: "jwt", credential: "a.b.c" });
    expect(parseAuthorization("Bearer AAEA-_")).toEqual({ kind: "credential", word: "bearer", credential: "AAEA-_" });
  });

  it("reads crtauth's colon form", () => {
    expect(parseAuthorization("chap:AAEA")).toEqual({ kind: "credential", word: "chap", credential: "AAEA" });
    expect(parseAuthorization("CHAP:AAEA")).toEqual({ kind: "credential", word: "chap", credential: "AAEA" });
  });

  it("treats absent and blank headers as no credentials", () => {
    for (const header of [undefined, "", "   ", "\t"]) expect(parseAuthorization(header)).toEqual({ kind: "none" });
  });

  it("refuses oversized headers without reading them", () => {
    expect(parseAuthorization(`JWT ${"a".repeat(maxAuthorizationLength)}`)).toEqual({ kind: "too_large" });
  });

  const malformed: [string, string][] = [
    ["a word alone", "JWT"],
    ["a word and a space", "JWT "],
    ["no space between scheme and token", "JWTa.b.c"],
    ["two credentials", "JWT a.b.c d.e.f"],
    ["a double scheme", "JWT JWT a.b.c"],
    ["control characters", "JWT a.b\u0000.c"],
    ["non-ASCII in the credential", "JWT a.b.cé"],
    ["non-ASCII in the word", "JWTé a.b.c"],
    ["a quoted credential", 'JWT "a.b.c"'],
    ["a comma-separated pair", "JWT a.b.c, Basic x"],
    ["an empty chap token", "chap:"],
    ["an unknown colon form", "basic:abc"],
    ["a newline inside", "JWT a.b\n.c"],
  ];
  for (const [name, header] of malformed) {
    it(`calls ${name} malformed`, () => {
      expect(parseAuthorization(header).kind).toBe("malformed");
    });
  }

  it("never throws, whatever it is given", () => {
    const inputs: unknown[] = [null, 0, {}, [], ["JWT a.b.c", "x"], Symbol.iterator.toString(), "\uD800", "=".repeat(100)];
    for (const input of inputs) expect(() => parseAuthorization(input as string)).not.toThrow();
    expect(parseAuthorization(["JWT a.b.c", "x"])).toEqual({ kind: "credential", word: "jwt", credential: "a.b.c" });
  });

  it("asks syntaxOf how a scheme's credential is written: token68 by default, an auth-param list only when declared", () => {
    const header = 'SSHSIG username="alice", time="1"';
    expect(parseAuthorization(header)).toMatchObject({ kind: "malformed", word: "sshsig" });
    const asked: string[] = [];
    const syntaxOf = (word: string) => (asked.push(word), word === "sshsig" ? ("auth-params" as const) : ("token68" as const));
    expect(parseAuthorization(header, syntaxOf)).toEqual({ kind: "credential", word: "sshsig", credential: 'username="alice", time="1"' });
    expect(parseAuthorization('JWT a="b"', syntaxOf).kind).toBe("malformed");
    expect(asked).toEqual(["sshsig", "jwt"]);
  });
});
