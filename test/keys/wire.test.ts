import { describe, expect, it } from "vitest";
import { SshReader, SshWireError, sshMpint, sshString, sshUint32, type SshWireFault } from "../../strategy/keys/wire.js";

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");

function faultOf(read: (reader: SshReader) => unknown, bytes: Buffer): SshWireFault | null {
  try {
    read(new SshReader(bytes));
    return null;
  } catch (error) {
    if (error instanceof SshWireError) return error.fault;
    throw error;
  }
}

describe("SSH wire writer", () => {
  it("writes RFC 4251 §5 examples byte for byte", () => {
    expect(sshUint32(0x29b7f4aa).toString("hex")).toBe("29b7f4aa");
    expect(sshString("testing").toString("hex")).toBe("0000000774657374696e67");
    // The mpint examples of RFC 4251 §5.
    expect(sshMpint(Buffer.alloc(0)).toString("hex")).toBe("00000000");
    expect(sshMpint(hex("09a378f9b2e332a7")).toString("hex")).toBe("0000000809a378f9b2e332a7");
    expect(sshMpint(hex("80")).toString("hex")).toBe("000000020080");
    // Leading zero bytes of the magnitude are not part of the encoding.
    expect(sshMpint(hex("000000ff")).toString("hex")).toBe("0000000200ff");
  });

  it("reads back what it writes", () => {
    const blob = Buffer.concat([Buffer.from([13]), sshString("ssh-ed25519"), sshMpint(hex("80ff")), sshString("é"), sshUint32(7), hex("abcd")]);
    const reader = new SshReader(blob);
    expect(reader.byte()).toBe(13);
    expect(reader.name()).toBe("ssh-ed25519");
    expect(reader.mpint().toString("hex")).toBe("80ff");
    expect(reader.text()).toBe("é");
    expect(reader.uint32()).toBe(7);
    expect(reader.remaining).toBe(2);
    expect(reader.raw(2).toString("hex")).toBe("abcd");
    reader.end();
  });

  it("reads from any Uint8Array view, not only a Buffer", () => {
    const backing = new Uint8Array([0xff, 0, 0, 0, 1, 0x2a, 0xff]);
    expect(new SshReader(backing.subarray(1, 6)).string().toString("hex")).toBe("2a");
  });
});

describe("SSH wire reader on hostile input", () => {
  const cases: [string, (r: SshReader) => unknown, string, SshWireFault | null][] = [
    ["empty input, byte", (r) => r.byte(), "", "truncated"],
    ["three bytes, uint32", (r) => r.uint32(), "000000", "truncated"],
    ["length larger than the data", (r) => r.string(), "00000005 aabb", "length_overrun"],
    ["length 2^32-1", (r) => r.string(), "ffffffff 00", "length_overrun"],
    ["raw past the end", (r) => r.raw(3), "aabb", "truncated"],
    ["empty name", (r) => r.name(), "00000000", "bad_name"],
    ["name with a space", (r) => r.name(), "00000003 612062", "bad_name"],
    ["name of 65 characters", (r) => r.name(), "00000041" + "61".repeat(65), "bad_name"],
    ["negative mpint", (r) => r.mpint(), "00000001 80", "negative_mpint"],
    ["lone 00 mpint", (r) => r.mpint(), "00000001 00", "non_minimal_mpint"],
    ["00 before a byte < 0x80", (r) => r.mpint(), "00000002 007f", "non_minimal_mpint"],
    ["zero mpint is empty", (r) => r.mpint(), "00000000", null],
    ["trailing bytes", (r) => (r.string(), r.end()), "00000001 aa bb", "trailing_bytes"],
  ];
  for (const [name, read, bytes, fault] of cases) {
    it(`${name} → ${fault ?? "ok"}`, () => {
      expect(faultOf(read, hex(bytes))).toBe(fault);
    });
  }

  it("refuses a byte count that is not one, rather than reading backwards", () => {
    const reader = new SshReader(hex("aabb"));
    reader.byte();
    for (const length of [-1, 0.5, Number.NaN]) expect(() => reader.raw(length)).toThrow(RangeError);
    expect(reader.remaining).toBe(1);
  });

  it("throws the caller's error when given one, for every fault", () => {
    class Refused extends Error {}
    const reader = new SshReader(hex("00000005 aa"), (fault) => new Refused(fault));
    expect(() => reader.string()).toThrow(new Refused("length_overrun"));
  });
});
