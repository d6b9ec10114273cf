import { describe, expect, it } from "vitest";
import { KeyFormatError, parseKeyPaste, parsePublicKey, publicKeyFromKeyObject } from "../../../strategy/keys/index.js";
import { checkOptions, fromOption, maxOptionsLength, parseOptionsText, readOptions } from "../../../strategy/keys/formats/key-options.js";
import { freshKeyPair } from "../../support/fresh-keys.js";

const ed = publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey).openssh;

/** The refusal of `text` read as options alone: its code and message. */
function refusal(text: string): { code: string; message: string } {
  try {
    parseOptionsText(text);
  } catch (error) {
    if (error instanceof KeyFormatError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe("authorized_keys options on a key line", () => {
  it("keeps sshd's options canonically: lower-case names, quotes re-escaped, repeated flags once", () => {
    const key = parsePublicKey(`From="10.0.0.0/8,!10.9.9.9",NO-PTY,command="echo \\"a b\\", c",no-pty,environment="X=1 2" ${ed} laptop`);
    expect(key.sshOptions).toBe('from="10.0.0.0/8,!10.9.9.9",no-pty,command="echo \\"a b\\", c",environment="X=1 2"');
    expect(key.comment).toBe("laptop");
    // What is stored reads back to itself.
    expect(parseOptionsText(key.sshOptions!).sshOptions).toBe(key.sshOptions);
  });

  it("keeps every option sshd(8) documents, except those refused below", () => {
    const all = [
      "agent-forwarding",
      'command="/usr/bin/backup"',
      'environment="LANG=C"',
      'from="192.0.2.*,2001:db8::/32,host.example.com"',
      "no-agent-forwarding",
      "no-port-forwarding",
      "no-pty",
      "no-user-rc",
      "no-x11-forwarding",
      'permitlisten="localhost:8080"',
      'permitlisten="9000"',
      'permitopen="db.internal:5432"',
      'permitopen="[2001:db8::1]:*"',
      "port-forwarding",
      "pty",
      "restrict",
      'tunnel="0"',
      "user-rc",
      "x11-forwarding",
    ].join(",");
    expect(parsePublicKey(`${all} ${ed}`).sshOptions).toBe(all);
  });

  it("a line without options has none", () => {
    expect(parsePublicKey(ed)).toMatchObject({ sshOptions: null, expiryTime: null });
    expect(parsePublicKey(`no-touch-required ${ed}`)).toMatchObject({ sshOptions: null, securityKey: null });
  });

  it("expiry-time becomes the key's expiry (the earliest), not options text", () => {
    const key = parsePublicKey(`expiry-time="20991231Z",no-pty,expiry-time="209901011200Z" ${ed}`);
    expect(key.sshOptions).toBe("no-pty");
    expect(key.expiryTime?.toISOString()).toBe("2099-01-01T12:00:00.000Z");
    expect(parsePublicKey(`expiry-time="20990101" ${ed}`).expiryTime?.getTime()).toBe(new Date(2099, 0, 1).getTime());
  });

  it("reports each option's problem in the paste entry of its line", () => {
    const entries = parseKeyPaste(`no-pty ${ed}\nbogus-option ${ed}\ncert-authority ${ed}`);
    expect(entries.map((e) => (e.ok ? e.key.sshOptions : e.problem))).toEqual([
      "no-pty",
      { code: "malformed_key", message: 'Unknown authorized_keys option "bogus-option".' },
      { code: "unsupported_type", message: "This line marks a certificate authority (cert-authority), not a login key; add a CA with `ca add`." },
    ]);
  });
});

describe("options sshd or this server refuses, each with a message naming it", () => {
  it.each([
    ["unknown option", "no-ptyx", 'Unknown authorized_keys option "no-ptyx".'],
    ["principals (a cert-authority option)", 'principals="alice"', "principals= applies only to a cert-authority line; add a CA with `ca add`."],
    ["a flag with a value", 'no-pty="yes"', 'The authorized_keys option "no-pty" takes no value.'],
    ["a value option without one", "command", 'The authorized_keys option "command" needs a value (command="…").'],
    ["an unquoted value", "command=ls", 'The value of the authorized_keys option "command" must be in double quotes.'],
    ["an unterminated quote", 'command="ls', 'The value of the authorized_keys option "command" has no closing quote.'],
    ["an escaped closing quote", 'command="ls\\"', 'The value of the authorized_keys option "command" has no closing quote.'],
    ["an empty value", 'command=""', 'The authorized_keys option "command" has an empty value.'],
    ["command twice", 'command="a",command="b"', 'The authorized_keys option "command" is given twice.'],
    ["from twice", 'from="10.0.0.1",from="10.0.0.2"', 'The authorized_keys option "from" is given twice.'],
    ["an empty from= pattern", 'from="10.0.0.1,"', "from= has an empty pattern"],
    ["a lone ! in from=", 'from="!"', "from= has an empty pattern"],
    ["a bad CIDR prefix", 'from="10.0.0.0/33"', "from= has a CIDR block with an invalid prefix length"],
    ["a CIDR block of a name", 'from="host/8"', "from= has a CIDR block with an invalid prefix length"],
    ["shell characters in from=", 'from="10.0.0.1 ; rm"', "from= patterns may hold addresses, CIDR blocks, host names, * and ? only, each optionally led by !"],
    ["environment without =", 'environment="LANG"', 'environment= must be NAME=value, the name of letters, digits and "_".'],
    ["environment with a bad name", 'environment="A-B=1"', 'environment= must be NAME=value, the name of letters, digits and "_".'],
    ["a bad expiry-time", 'expiry-time="2099-01-01"', "expiry-time= must be a date as YYYYMMDD[HHMM[SS]][Z]."],
    ["an impossible date", 'expiry-time="20990230"', "expiry-time= must be a date as YYYYMMDD[HHMM[SS]][Z]."],
    ["a bad tunnel", 'tunnel="tun0"', 'tunnel= must be a tunnel device number or "any".'],
    ["permitopen without a port", 'permitopen="db"', "permitopen= must be host:port"],
    ["permitopen with port 0", 'permitopen="db:0"', "permitopen= has an invalid port (a number from 1 to 65535, or *)"],
    ["permitlisten with a bad port", 'permitlisten="70000"', "permitlisten= must be [host:]port"],
    ["a trailing comma", "no-pty,", "An authorized_keys option has no name."],
    ["two commas", "no-pty,,restrict", "An authorized_keys option has no name."],
    ["junk after a value", 'command="a"x', "The authorized_keys options are malformed (expected a comma, a space or the end after an option)."],
    ["the key pasted too", `no-pty ${ed}`, "The authorized_keys options hold a space outside quotes; give only the options, without the key."],
  ])("%s", (_what, text, message) => {
    expect(refusal(text)).toEqual({ code: "malformed_key", message });
  });

  it("cert-authority: a CA goes through `ca add`", () => {
    expect(refusal("cert-authority,no-pty").code).toBe("unsupported_type");
  });

  it("control characters and line breaks anywhere, quoted or not (a newline would add a line to sshd's answer)", () => {
    for (const bad of ["\n", "\r", "\t", "\u0000", "\u001b", "\u007f", "\u0085", "\u2028"]) {
      expect(refusal(`command="echo a${bad}ssh-ed25519 AAAA"`).code, JSON.stringify(bad)).toBe("malformed_key");
      expect(refusal(`no-pty,${bad}restrict`).code, JSON.stringify(bad)).toBe("malformed_key");
      // On a key line too: the codec refuses the line before the options are read.
      const entries = parseKeyPaste(`command="a${bad}b" ${ed}`);
      expect(
        entries.every((e) => !e.ok),
        JSON.stringify(bad),
      ).toBe(true);
    }
  });

  it("over-long options: 413-worthy too_large, never a slow scan", () => {
    expect(refusal(`command="${"x".repeat(maxOptionsLength)}"`).code).toBe("too_large");
    expect(refusal(`command="${"x".repeat(1024 * 1024)}"`).code).toBe("too_large");
    expect(() => readOptions(`${"no-pty,".repeat(150_000)}restrict ${ed}`)).toThrow(/longer than 4 KiB/);
    expect(() => readOptions(`command="${'\\"'.repeat(512 * 1024)}" ${ed}`)).toThrow(/longer than 4 KiB/);
    expect(parseKeyPaste(`command="${"x".repeat(5000)}" ${ed}`)[0]).toMatchObject({ ok: false, problem: { code: "too_large" } });
  });

  it("every truncation of a valid line is refused with a KeyFormatError or read as what it still is", () => {
    const line = `from="10.0.0.0/8,!10.9.9.9",command="echo \\"hi\\"",environment="A=b",permitopen="h:1",expiry-time="20991231Z",restrict ${ed} c`;
    for (let at = 0; at <= line.length; at++) {
      const cut = line.slice(0, at);
      let outcome: unknown;
      try {
        outcome = parsePublicKey(cut);
      } catch (error) {
        outcome = error;
      }
      if (outcome instanceof Error) expect(outcome, `cut at ${at}`).toBeInstanceOf(KeyFormatError);
      else expect(at, "only the whole key parses").toBeGreaterThan(line.indexOf(" AAAA") + 60);
    }
  });

  it("unbalanced and odd quoting as sshd reads it", () => {
    expect(parseOptionsText('command="a\\\\"b"').sshOptions).toBe('command="a\\\\"b"'); // \\" is a backslash then an escaped quote…
    expect(refusal('command="a\\\\"').code).toBe("malformed_key"); // …so this never closes
    expect(parseOptionsText('command="a\\b"').sshOptions).toBe('command="a\\b"'); // other backslashes are themselves
    expect(refusal('"no-pty"').code).toBe("malformed_key");
    expect(refusal('=""').code).toBe("malformed_key");
  });

  it("the security-key flags go to their own fields", () => {
    expect(checkOptions(readOptions("verify-required,no-touch-required,no-pty").options)).toEqual({
      noTouchRequired: true,
      verifyRequired: true,
      expiresAt: null,
      sshOptions: "no-pty",
    });
    expect(parseOptionsText("")).toMatchObject({ sshOptions: null });
  });

  it("fromOption reads stored text; unreadable text refuses every address", () => {
    expect(fromOption('no-pty,from="10.0.0.0/8"')).toBe("10.0.0.0/8");
    expect(fromOption("no-pty")).toBeNull();
    expect(fromOption(null)).toBeNull();
    expect(fromOption('from="10.0.0.1')).toBe("");
  });
});
