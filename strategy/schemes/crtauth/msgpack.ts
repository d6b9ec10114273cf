/**
 * The msgpack subset crtauth v1 uses: a flat sequence of uints, bins and strs.
 *
 * Hand-rolled rather than @msgpack/msgpack because the protocol needs control the
 * library does not give: the HMAC covers the exact bytes consumed so far (the
 * library reports no offsets), ints must be read as uint only (fixint/uint8/16/32,
 * no negatives, floats or uint64), bin and str must not be interchangeable, strings
 * must be strict UTF-8 (the library substitutes U+FFFD), and every failure must be an
 * AuthError with a stable code, never a RangeError from deep inside a decoder.
 */
import { AuthError } from "../../errors.js";

const UINT32_MAX = 0xffff_ffff;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Packs values in shortest form, as both upstream packers do (str8 for 32..255 bytes). */
export class MsgpackWriter {
  private readonly chunks: Buffer[] = [];

  uint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new RangeError(`msgpack uint out of range: ${value}`);
    }
    if (value < 0x80) return this.push(Buffer.of(value));
    if (value < 0x100) return this.push(Buffer.of(0xcc, value));
    if (value < 0x10000) return this.push(Buffer.of(0xcd, value >> 8, value & 0xff));
    const b = Buffer.alloc(5);
    b[0] = 0xce;
    b.writeUInt32BE(value, 1);
    return this.push(b);
  }

  bin(data: Uint8Array): this {
    const n = data.byteLength;
    if (n < 0x100) this.push(Buffer.of(0xc4, n));
    else if (n < 0x10000) this.push(Buffer.of(0xc5, n >> 8, n & 0xff));
    else this.push(header32(0xc6, n));
    return this.push(Buffer.from(data));
  }

  str(value: string): this {
    const data = Buffer.from(value, "utf8");
    const n = data.length;
    if (n < 32) this.push(Buffer.of(0xa0 | n));
    else if (n < 0x100) this.push(Buffer.of(0xd9, n));
    else if (n < 0x10000) this.push(Buffer.of(0xda, n >> 8, n & 0xff));
    else this.push(header32(0xdb, n));
    return this.push(data);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private push(b: Buffer): this {
    this.chunks.push(b);
    return this;
  }
}

function header32(tag: number, n: number): Buffer {
  if (n > UINT32_MAX) throw new RangeError("msgpack value too long");
  const b = Buffer.alloc(5);
  b[0] = tag;
  b.writeUInt32BE(n, 1);
  return b;
}

/**
 * Reads the subset back. Total: every failure is AuthError("malformed_token") naming
 * the field; lengths are checked against the bytes left before anything is allocated.
 */
export class MsgpackReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  /** Bytes consumed so far. */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** The next byte without consuming it, or undefined at the end. */
  peek(): number | undefined {
    return this.buf[this.pos];
  }

  /** fixint, uint8, uint16 or uint32 (non-shortest forms accepted, as upstream does). */
  uint(field: string): number {
    const tag = this.byte(field);
    if (tag < 0x80) return tag;
    switch (tag) {
      case 0xcc:
        return this.byte(field);
      case 0xcd:
        return this.take(2, field).readUInt16BE(0);
      case 0xce:
        return this.take(4, field).readUInt32BE(0);
      default:
        throw wrongType(field, "an unsigned integer", tag);
    }
  }

  /** bin8, bin16 or bin32 holding between `min` and `max` bytes. */
  bin(field: string, limits: { min?: number; max: number }): Buffer {
    const tag = this.byte(field);
    let n: number;
    switch (tag) {
      case 0xc4:
        n = this.byte(field);
        break;
      case 0xc5:
        n = this.take(2, field).readUInt16BE(0);
        break;
      case 0xc6:
        n = this.take(4, field).readUInt32BE(0);
        break;
      default:
        throw wrongType(field, "bytes (bin)", tag);
    }
    checkLength(field, n, limits.min ?? 0, limits.max);
    return this.take(n, field);
  }

  /** fixstr, str8, str16 or str32 of strict UTF-8, at most `maxBytes` long. */
  str(field: string, maxBytes: number): string {
    const tag = this.byte(field);
    let n: number;
    if (tag >= 0xa0 && tag <= 0xbf) n = tag & 0x1f;
    else if (tag === 0xd9) n = this.byte(field);
    else if (tag === 0xda) n = this.take(2, field).readUInt16BE(0);
    else if (tag === 0xdb) n = this.take(4, field).readUInt32BE(0);
    else throw wrongType(field, "a string (str)", tag);
    checkLength(field, n, 0, maxBytes);
    const bytes = this.take(n, field);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new AuthError("malformed_token", `crtauth field ${field} is not valid UTF-8`, { detail: { field } });
    }
  }

  /** Fails unless every byte was consumed. */
  end(message: string): void {
    if (this.remaining !== 0) {
      throw new AuthError("malformed_token", `trailing bytes after crtauth ${message}`, {
        detail: { trailing: this.remaining },
      });
    }
  }

  private byte(field: string): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw truncated(field);
    this.pos++;
    return b;
  }

  private take(n: number, field: string): Buffer {
    if (n > this.remaining) throw truncated(field);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function checkLength(field: string, n: number, min: number, max: number): void {
  if (n < min || n > max) {
    throw new AuthError("malformed_token", `crtauth field ${field} has a bad length`, {
      detail: { field, length: n, min, max },
    });
  }
}

function truncated(field: string): AuthError {
  return new AuthError("malformed_token", `crtauth message truncated in ${field}`, { detail: { field } });
}

function wrongType(field: string, expected: string, tag: number): AuthError {
  return new AuthError("malformed_token", `crtauth field ${field} should be ${expected}`, {
    detail: { field, tag: `0x${tag.toString(16).padStart(2, "0")}` },
  });
}
