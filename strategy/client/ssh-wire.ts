/** Minimal RFC 4251 wire encoding helpers (byte, uint32, string). */

export class SshWireError extends Error {
  override readonly name = "SshWireError";
}

export class SshReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.remaining < 1) throw new SshWireError("truncated: byte");
    return this.buf[this.pos++]!;
  }

  uint32(): number {
    if (this.remaining < 4) throw new SshWireError("truncated: uint32");
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    if (this.remaining < n) throw new SshWireError("truncated: bytes");
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString("utf8");
  }
}

export function sshUint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

export function sshString(data: Buffer | string): Buffer {
  const b = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return Buffer.concat([sshUint32(b.length), b]);
}
