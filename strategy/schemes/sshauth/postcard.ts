/**
 * The subset of the postcard 1.0.8 wire format that sshauth tokens use.
 *
 *   u8              one raw byte
 *   u32/u64/usize   unsigned LEB128 varint (usize is 64-bit on upstream's targets)
 *   enum variant    varint u32 index
 *   Option<T>       one raw tag byte: 00 = None, 01 = Some(T); anything else is an error
 *   [u8; N]         N raw bytes
 *   Vec<u8>, String varint length, then the bytes (String must be valid UTF-8)
 *
 * Reading mirrors postcard's leniency and its limits: non-minimal varints are
 * accepted; a varint longer than the type allows, or whose last byte carries bits
 * beyond the type's width, is refused; a length running past the input is refused;
 * bytes left over after the value are ignored by the caller's choice.
 * Varints are decoded with BigInt so a u64 never loses precision.
 */

export type PostcardFault = "unexpected_end" | "bad_varint" | "bad_option" | "bad_utf8";

/** Thrown by PostcardReader only; callers translate it into their own error. */
export class PostcardError extends Error {
  override readonly name = "PostcardError";
  constructor(
    readonly fault: PostcardFault,
    readonly offset: number,
  ) {
    super(`postcard: ${fault} at byte ${offset}`);
  }
}

// ignoreBOM: a leading U+FEFF is part of the string, as in Rust's String (the default would
// strip it, turning "\uFEFFalice" into an identity upstream refuses as invalid).
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class PostcardReader {
  #offset = 0;
  constructor(private readonly input: Buffer) {}

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.input.length - this.#offset;
  }

  u8(): number {
    const b = this.input[this.#offset];
    if (b === undefined) throw new PostcardError("unexpected_end", this.#offset);
    this.#offset++;
    return b;
  }

  /** Unsigned varint of `bits` width (32 or 64), as postcard's try_take_varint_uNN. */
  varint(bits: 32 | 64): bigint {
    return BigInt(this.#varint(bits, false));
  }

  /**
   * The varint as a number while seven bytes (49 bits) hold it exactly, read again as a
   * bigint when longer: BigInt arithmetic per byte was most of what decoding a token cost.
   * `small`: a long varint that still fits a safe integer comes back as a number too.
   */
  #varint(bits: 32 | 64, small: boolean): number | bigint {
    const maxBytes = bits === 32 ? 5 : 10;
    const lastByteMax = bits === 32 ? 0x0f : 0x01;
    const start = this.#offset;
    let out = 0;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      if (i === 7) {
        this.#offset = start;
        return this.#bigVarint(maxBytes, lastByteMax, small);
      }
      out += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (i === maxBytes - 1 && b > lastByteMax) throw new PostcardError("bad_varint", start);
        return out;
      }
    }
    throw new PostcardError("bad_varint", start);
  }

  #bigVarint(maxBytes: number, lastByteMax: number, small: boolean): number | bigint {
    const start = this.#offset;
    let out = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      out |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (i === maxBytes - 1 && b > lastByteMax) throw new PostcardError("bad_varint", start);
        return small && out <= MAX_SAFE ? Number(out) : out;
      }
    }
    throw new PostcardError("bad_varint", start);
  }

  /** Enum variant index (varint u32), as a plain number. */
  variant(): number {
    return this.#varint(32, true) as number;
  }

  /** Option tag: false for None, true for Some. */
  option(): boolean {
    const at = this.#offset;
    const tag = this.u8();
    if (tag === 0) return false;
    if (tag === 1) return true;
    throw new PostcardError("bad_option", at);
  }

  /** The next `length` bytes: a view of the input, not a copy (the reader's input is its own). */
  fixed(length: number): Buffer {
    if (this.remaining < length) throw new PostcardError("unexpected_end", this.#offset);
    const out = this.input.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  /** Vec<u8>: usize length, then the bytes. */
  byteVec(): Buffer {
    const at = this.#offset;
    const length = this.#varint(64, true);
    if (typeof length === "bigint" || length > this.remaining) throw new PostcardError("unexpected_end", at);
    return this.fixed(length);
  }

  string(): string {
    const at = this.#offset;
    const bytes = this.byteVec();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new PostcardError("bad_utf8", at);
    }
  }
}

/**
 * Canonical (minimal) postcard writer, into one growing buffer: the verifier re-encodes every
 * token's signed part, and a buffer per field was most of that cost.
 */
export class PostcardWriter {
  #buffer = Buffer.allocUnsafe(128);
  #length = 0;

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.#buffer.length, this.#length + extra));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }

  u8(value: number): this {
    this.#reserve(1);
    this.#buffer[this.#length++] = value & 0xff;
    return this;
  }

  varint(value: number | bigint): this {
    if (typeof value === "number" ? !Number.isSafeInteger(value) : value > MAX_SAFE) return this.#bigVarint(BigInt(value));
    let v = Number(value);
    if (v < 0) throw new RangeError("varint out of u64 range");
    this.#reserve(8);
    while (v >= 0x80) {
      this.#buffer[this.#length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buffer[this.#length++] = v;
    return this;
  }

  #bigVarint(value: bigint): this {
    let v = value;
    if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError("varint out of u64 range");
    while (v >= 0x80n) {
      this.u8(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    return this.u8(Number(v));
  }

  option(present: boolean): this {
    return this.u8(present ? 1 : 0);
  }

  fixed(bytes: Uint8Array): this {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
    return this;
  }

  byteVec(bytes: Uint8Array): this {
    return this.varint(bytes.length).fixed(bytes);
  }

  string(value: string): this {
    const length = Buffer.byteLength(value, "utf8");
    this.varint(length).#reserve(length);
    this.#length += this.#buffer.write(value, this.#length, "utf8");
    return this;
  }

  /** What was written. The writer is done with: its buffer is not copied. */
  toBuffer(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}
