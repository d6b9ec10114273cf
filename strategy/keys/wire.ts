/**
 * RFC 4251 §5 wire encoding: the one reader and writer for SSH public-key blobs,
 * signatures, OpenSSH private-key headers and ssh-agent messages.
 *
 * Reading is total on hostile input: every length is bounds-checked before it is used,
 * and every fault is thrown as the error the reader was built with (by default an
 * SshWireError), so each caller refuses in its own terms and nothing else escapes.
 */

/** What was wrong with the bytes; a caller maps these to its own refusal. */
export type SshWireFault = "truncated" | "length_overrun" | "bad_name" | "negative_mpint" | "non_minimal_mpint" | "trailing_bytes";

export class SshWireError extends Error {
  override readonly name = "SshWireError";

  constructor(
    readonly fault: SshWireFault,
    message: string = defaultMessages[fault],
  ) {
    super(message);
  }
}

const defaultMessages: Record<SshWireFault, string> = {
  truncated: "truncated SSH wire data",
  length_overrun: "an SSH wire length field is larger than the data that follows",
  bad_name: "an SSH wire name is empty, too long or not printable ASCII",
  negative_mpint: "an SSH mpint is negative",
  non_minimal_mpint: "an SSH mpint is not minimally encoded",
  trailing_bytes: "unexpected bytes after the SSH wire data",
};

/** Builds the error thrown for a fault; lets a reader speak its caller's error type. */
export type SshWireFailure = (fault: SshWireFault) => Error;

const defaultFailure: SshWireFailure = (fault) => new SshWireError(fault);

/** Reads RFC 4251 fields in order from one buffer. */
export class SshReader {
  private offset = 0;
  private readonly buf: Buffer;

  constructor(
    data: Uint8Array,
    private readonly fail: SshWireFailure = defaultFailure,
  ) {
    this.buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  byte(): number {
    if (this.remaining < 1) throw this.fail("truncated");
    return this.buf[this.offset++]!;
  }

  uint32(): number {
    if (this.remaining < 4) throw this.fail("truncated");
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint64(): bigint {
    if (this.remaining < 8) throw this.fail("truncated");
    const value = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** `length` bytes with no length prefix (a view, not a copy). */
  raw(length: number): Buffer {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`SshReader.raw: not a byte count: ${length}`);
    if (length > this.remaining) throw this.fail("truncated");
    const value = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A length-prefixed byte string (a view, not a copy). */
  string(): Buffer {
    const length = this.uint32();
    if (length > this.remaining) throw this.fail("length_overrun");
    return this.raw(length);
  }

  /** A length-prefixed string decoded as UTF-8 (comments, cipher and algorithm names from our own agent or key file). */
  text(): string {
    return this.string().toString("utf8");
  }

  /** A name such as a key type: printable ASCII only, so it is safe to compare and to show. */
  name(): string {
    const raw = this.string();
    if (raw.length === 0 || raw.length > 64 || raw.some((b) => b < 0x21 || b > 0x7e)) throw this.fail("bad_name");
    return raw.toString("latin1");
  }

  /**
   * A non-negative mpint, returned as its unsigned big-endian magnitude (empty for zero).
   * Negative and non-minimal encodings are refused so each value has exactly one encoding.
   */
  mpint(): Buffer {
    const raw = this.string();
    const first = raw[0];
    if (first === undefined) return raw;
    if (first & 0x80) throw this.fail("negative_mpint");
    if (first === 0) {
      const second = raw[1];
      if (second === undefined || (second & 0x80) === 0) throw this.fail("non_minimal_mpint");
      return raw.subarray(1);
    }
    return raw;
  }

  /** Refuses anything left unread. */
  end(): void {
    if (this.remaining !== 0) throw this.fail("trailing_bytes");
  }
}

export function sshUint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** A length-prefixed string; text is written as UTF-8. */
export function sshString(value: Uint8Array | string): Buffer {
  const body = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([sshUint32(body.length), body]);
}

/** Encodes an unsigned big-endian magnitude as a minimal non-negative mpint. */
export function sshMpint(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const first = trimmed[0];
  return sshString(first !== undefined && first & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}
