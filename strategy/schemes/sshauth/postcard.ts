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

export class PostcardReader {
  #offset = 0;
  constructor(private readonly input: Uint8Array) {}

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
    const maxBytes = Math.ceil(bits / 7); // 5 for u32, 10 for u64
    const lastByteMax = (1 << (bits % 7)) - 1; // 0x0f for u32, 0x01 for u64
    const start = this.#offset;
    let out = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      out |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (i === maxBytes - 1 && b > lastByteMax) throw new PostcardError("bad_varint", start);
        return out;
      }
    }
    throw new PostcardError("bad_varint", start);
  }

  /** Enum variant index (varint u32), as a plain number. */
  variant(): number {
    return Number(this.varint(32));
  }

  /** Option tag: false for None, true for Some. */
  option(): boolean {
    const at = this.#offset;
    const tag = this.u8();
    if (tag === 0) return false;
    if (tag === 1) return true;
    throw new PostcardError("bad_option", at);
  }

  fixed(length: number): Buffer {
    if (this.remaining < length) throw new PostcardError("unexpected_end", this.#offset);
    const out = Buffer.from(this.input.subarray(this.#offset, this.#offset + length));
    this.#offset += length;
    return out;
  }

  /** Vec<u8>: usize length, then the bytes. */
  byteVec(): Buffer {
    const at = this.#offset;
    const length = this.varint(64);
    if (length > BigInt(this.remaining)) throw new PostcardError("unexpected_end", at);
    return this.fixed(Number(length));
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

/** Canonical (minimal) postcard writer. */
export class PostcardWriter {
  readonly #chunks: Buffer[] = [];

  u8(value: number): this {
    this.#chunks.push(Buffer.of(value & 0xff));
    return this;
  }

  varint(value: number | bigint): this {
    let v = BigInt(value);
    if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError("varint out of u64 range");
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.#chunks.push(Buffer.from(out));
    return this;
  }

  option(present: boolean): this {
    return this.u8(present ? 1 : 0);
  }

  fixed(bytes: Uint8Array): this {
    this.#chunks.push(Buffer.from(bytes));
    return this;
  }

  byteVec(bytes: Uint8Array): this {
    return this.varint(bytes.length).fixed(bytes);
  }

  string(value: string): this {
    return this.byteVec(Buffer.from(value, "utf8"));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}
