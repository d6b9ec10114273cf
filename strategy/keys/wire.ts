import { KeyFormatError } from "./errors.js";

function malformed(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", message);
}

/** Reads RFC 4251 §5 fields from an SSH wire blob; every length is bounds-checked. */
export class SshReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  uint32(): number {
    if (this.buf.length - this.offset < 4) throw malformed("The key data is truncated.");
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(): Buffer {
    const length = this.uint32();
    if (length > this.buf.length - this.offset) {
      throw malformed("The key data is truncated (a length field is larger than the data that follows).");
    }
    const value = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A name such as a key type: printable ASCII only, so it is safe to compare and to show. */
  name(): string {
    const raw = this.bytes();
    if (raw.length === 0 || raw.length > 64 || raw.some((b) => b < 0x21 || b > 0x7e)) {
      throw malformed("The key data does not start with a valid key type name.");
    }
    return raw.toString("latin1");
  }

  /**
   * A positive mpint, returned as its unsigned big-endian magnitude. Negative and
   * non-minimal encodings are refused so each key has exactly one blob (and fingerprint).
   */
  mpint(): Buffer {
    const raw = this.bytes();
    const first = raw[0];
    if (first === undefined) return raw;
    if (first & 0x80) throw malformed("The key data holds a negative number.");
    if (first === 0) {
      const second = raw[1];
      if (second === undefined || (second & 0x80) === 0) throw malformed("The key data holds a badly encoded number.");
      return raw.subarray(1);
    }
    return raw;
  }

  end(): void {
    if (this.offset !== this.buf.length) throw malformed("The key data has unexpected bytes after the key.");
  }
}

export function sshString(value: Buffer | string): Buffer {
  const body = typeof value === "string" ? Buffer.from(value, "latin1") : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** Encodes an unsigned big-endian magnitude as a minimal positive mpint. */
export function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const first = trimmed[0];
  return sshString(first !== undefined && first & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}
