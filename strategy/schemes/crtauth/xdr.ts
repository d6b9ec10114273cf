/**
 * The Sun XDR (RFC 4506) subset of crtauth v0 (Python's xdrlib): uint, fixed-length
 * opaque and variable-length opaque, all padded to 4 bytes with zeros. The reader is
 * total (AuthError "malformed_token" only) and stricter than xdrlib: padding must be
 * zero and lengths are capped.
 */
import { AuthError } from "../../errors.js";

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

export class XdrWriter {
  private readonly chunks: Buffer[] = [];

  uint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new RangeError(`xdr uint out of range: ${value}`);
    }
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value, 0);
    this.chunks.push(b);
    return this;
  }

  /** Fixed-length opaque: exactly `length` bytes, then padding. */
  fixedOpaque(data: Uint8Array, length: number): this {
    if (data.byteLength !== length) throw new RangeError(`xdr fixed opaque must be ${length} bytes`);
    this.chunks.push(Buffer.from(data), Buffer.alloc(pad4(length)));
    return this;
  }

  /** Variable-length opaque (xdrlib pack_string): length, bytes, padding. */
  opaque(data: Uint8Array): this {
    return this.uint(data.byteLength).fixedOpaque(data, data.byteLength);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class XdrReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  uint(field: string): number {
    return this.take(4, field).readUInt32BE(0);
  }

  fixedOpaque(length: number, field: string): Buffer {
    const data = this.take(length, field);
    const padding = this.take(pad4(length), field);
    if (padding.some((b) => b !== 0)) {
      throw new AuthError("malformed_token", `non-zero XDR padding after ${field}`, { detail: { field } });
    }
    return data;
  }

  opaque(field: string, limits: { min?: number; max: number }): Buffer {
    const n = this.uint(field);
    const min = limits.min ?? 0;
    if (n < min || n > limits.max) {
      throw new AuthError("malformed_token", `crtauth field ${field} has a bad length`, {
        detail: { field, length: n, min, max: limits.max },
      });
    }
    return this.fixedOpaque(n, field);
  }

  end(message: string): void {
    if (this.remaining !== 0) {
      throw new AuthError("malformed_token", `trailing bytes after crtauth ${message}`, {
        detail: { trailing: this.remaining },
      });
    }
  }

  private take(n: number, field: string): Buffer {
    if (n > this.remaining) {
      throw new AuthError("malformed_token", `crtauth message truncated in ${field}`, { detail: { field } });
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
