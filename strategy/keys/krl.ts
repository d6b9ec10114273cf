import { KeyFormatError } from "./errors.js";
import { SshReader, type SshWireFault } from "./wire.js";

/**
 * An OpenSSH key revocation list (`ssh-keygen -k`, PROTOCOL.krl), decoded as OpenSSH's krl.c
 * loads it: whatever OpenSSH refuses is refused here, with a message for the administrator
 * who imports the file. Written here because no well-kept JavaScript library reads KRLs.
 *
 * Signature sections are skipped unverified, as OpenSSH ≥ 9.4 does (it removed KRL signing:
 * a KRL is trusted for where it was read from, like any other configuration file).
 */
export interface Krl {
  readonly krlVersion: bigint;
  /** Unix seconds. */
  readonly generatedDate: bigint;
  readonly comment: string;
  readonly certificates: readonly KrlCertificateSection[];
  /** Plain public-key blobs (KRL_SECTION_EXPLICIT_KEY): such a key is revoked, certified or not. */
  readonly keys: readonly Buffer[];
  /** SHA-1 and SHA-256 digests of plain public-key blobs. */
  readonly sha1: readonly Buffer[];
  readonly sha256: readonly Buffer[];
  /** Signature sections seen and skipped. */
  readonly signatures: number;
}

/** Revocations of certificates signed by one CA, or by every CA when `caKey` is null (an empty CA key). */
interface KrlCertificateSection {
  readonly caKey: Buffer | null;
  /** Inclusive ranges; a listed serial is a range of one, a bitmap its runs of set bits. */
  readonly serialRanges: readonly KrlSerialRange[];
  readonly keyIds: readonly string[];
}

export interface KrlSerialRange {
  readonly from: bigint;
  readonly to: bigint;
}

/** Larger files are refused before they are read (OpenSSH's own buffers stop at 128 MiB). */
export const maxKrlBytes = 16 * 1024 * 1024;

const magic = Buffer.from("SSHKRL\n\0", "latin1");
const formatVersion = 1;
const maxSerial = 0xffffffffffffffffn;

const section = { certificates: 1, explicitKey: 2, sha1: 3, signature: 4, sha256: 5, extension: 255 } as const;
const certSection = { serialList: 0x20, serialRange: 0x21, serialBitmap: 0x22, keyId: 0x23, extension: 0x39 } as const;

// OpenSSH reads a bitmap as a bignum, which it caps at 16384 bits (a leading zero byte allowed).
const maxBitmapBytes = 16384 / 8;

const faultMessages: Record<SshWireFault, string> = {
  truncated: "is truncated",
  length_overrun: "is truncated (a length field is larger than the data that follows)",
  bad_name: "holds an invalid key type name",
  negative_mpint: "holds a negative number",
  non_minimal_mpint: "holds a badly encoded number",
  trailing_bytes: "has unexpected bytes at its end",
};

function invalid(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", `This is not a valid OpenSSH KRL: ${message}.`);
}

function readerOf(data: Buffer, where: string): SshReader {
  return new SshReader(data, (fault) => invalid(`${where} ${faultMessages[fault]}`));
}

/** OpenSSH's C string: a NUL is allowed only as the last byte, and dropped. */
function cString(reader: SshReader, where: string): Buffer {
  const raw = reader.string();
  const nul = raw.indexOf(0);
  if (nul >= 0 && nul < raw.length - 1) throw invalid(`${where} holds a NUL byte`);
  return nul >= 0 ? raw.subarray(0, nul) : raw;
}

/** An extension (section or certificate subsection): ignored unless critical, as no extension is defined. */
function readExtension(data: Buffer, where: string): void {
  const reader = readerOf(data, where);
  const name = cString(reader, where).toString("utf8");
  const critical = reader.byte();
  reader.string();
  reader.end();
  if (critical !== 0) throw invalid(`it holds a critical extension this server does not know (${JSON.stringify(name)})`);
}

function checkedRange(from: bigint, to: bigint, where: string): KrlSerialRange {
  // OpenSSH refuses serial 0 (it marks a certificate without a serial) and reversed ranges.
  if (from === 0n) throw invalid(`${where} revokes serial 0`);
  if (from > to) throw invalid(`${where} has a range whose start is after its end`);
  return { from, to };
}

/** The runs of set bits of a bitmap (big-endian, bit 0 the lowest), as serial ranges from `offset`. */
function bitmapRanges(offset: bigint, bitmap: Buffer, out: KrlSerialRange[]): void {
  const where = "a serial bitmap";
  if (bitmap.length > 0 && bitmap[0]! & 0x80) throw invalid(`${where} is a negative number`);
  if (bitmap.length > maxBitmapBytes + 1 || (bitmap.length === maxBitmapBytes + 1 && bitmap[0] !== 0)) throw invalid(`${where} is larger than 16384 bits`);
  let start = 0;
  while (start < bitmap.length && bitmap[start] === 0) start++;
  const bytes = bitmap.subarray(start);
  if (bytes.length === 0) return;
  const nbits = bytes.length * 8 - Math.clz32(bytes[0]!) + 24;
  if (offset + BigInt(nbits) - 1n > maxSerial) throw invalid(`${where} reaches past serial 2^64-1`);
  const range = (first: number, last: number) => out.push(checkedRange(offset + BigInt(first), offset + BigInt(last), where));
  let runStart = -1;
  for (let bit = 0; bit < nbits; bit++) {
    const set = (bytes[bytes.length - 1 - (bit >> 3)]! >> (bit & 7)) & 1;
    if (set && runStart < 0) runStart = bit;
    if (!set && runStart >= 0) {
      range(runStart, bit - 1);
      runStart = -1;
    }
  }
  if (runStart >= 0) range(runStart, nbits - 1);
}

function readCertificates(data: Buffer): KrlCertificateSection {
  const reader = readerOf(data, "a certificates section");
  const caBlob = reader.string();
  reader.string(); // reserved
  // OpenSSH parses the CA key; its type name is what can be checked without trusting it.
  if (caBlob.length > 0) readerOf(caBlob, "a certificates section's CA key").name();
  const serialRanges: KrlSerialRange[] = [];
  const keyIds: string[] = [];
  while (reader.remaining > 0) {
    const type = reader.byte();
    const sub = readerOf(reader.string(), `a certificates subsection (type 0x${type.toString(16)})`);
    switch (type) {
      case certSection.serialList:
        while (sub.remaining > 0) {
          const serial = sub.uint64();
          serialRanges.push(checkedRange(serial, serial, "a serial list"));
        }
        break;
      case certSection.serialRange:
        serialRanges.push(checkedRange(sub.uint64(), sub.uint64(), "a serial range"));
        break;
      case certSection.serialBitmap:
        bitmapRanges(sub.uint64(), sub.string(), serialRanges);
        break;
      case certSection.keyId:
        while (sub.remaining > 0) {
          const raw = cString(sub, "a key id");
          const keyId = raw.toString("utf8");
          // A key id that is not UTF-8 names no certificate decodeCertificate accepts: nothing to revoke.
          if (Buffer.from(keyId, "utf8").equals(raw)) keyIds.push(keyId);
        }
        break;
      case certSection.extension:
        readExtension(sub.raw(sub.remaining), "a certificates extension");
        break;
      default:
        throw invalid(`it holds a certificates subsection of unknown type 0x${type.toString(16)}`);
    }
    sub.end();
  }
  return { caKey: caBlob.length > 0 ? Buffer.from(caBlob) : null, serialRanges, keyIds };
}

function readBlobs(data: Buffer, length: number | null, where: string, out: Buffer[]): void {
  const reader = readerOf(data, where);
  while (reader.remaining > 0) {
    const blob = reader.string();
    if (length !== null && blob.length !== length) throw invalid(`${where} holds a hash of ${blob.length} bytes, not ${length}`);
    out.push(Buffer.from(blob));
  }
}

/** Decodes a KRL file; every fault is a KeyFormatError ("malformed_key", or "too_large" past `maxKrlBytes`). */
export function decodeKrl(file: Uint8Array): Krl {
  if (file.length > maxKrlBytes) throw new KeyFormatError("too_large", `The KRL is larger than ${maxKrlBytes / 1024 / 1024} MiB.`);
  const data = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (data.length < magic.length || !data.subarray(0, magic.length).equals(magic)) throw invalid('it does not start with "SSHKRL"');
  const reader = readerOf(data.subarray(magic.length), "its header");
  const version = reader.uint32();
  if (version !== formatVersion) throw invalid(`its format version is ${version}, not ${formatVersion}`);
  const krlVersion = reader.uint64();
  const generatedDate = reader.uint64();
  reader.uint64(); // flags: none are defined
  reader.string(); // reserved
  const comment = cString(reader, "its comment").toString("utf8");
  const certificates: KrlCertificateSection[] = [];
  const keys: Buffer[] = [];
  const sha1: Buffer[] = [];
  const sha256: Buffer[] = [];
  let signatures = 0;
  const sections = readerOf(reader.raw(reader.remaining), "a section");
  while (sections.remaining > 0) {
    const type = sections.byte();
    const body = sections.string();
    switch (type) {
      case section.certificates:
        certificates.push(readCertificates(body));
        break;
      case section.explicitKey:
        readBlobs(body, null, "an explicit key section", keys);
        break;
      case section.sha1:
        readBlobs(body, 20, "a SHA-1 fingerprint section", sha1);
        break;
      case section.sha256:
        readBlobs(body, 32, "a SHA-256 fingerprint section", sha256);
        break;
      case section.extension:
        readExtension(body, "an extension section");
        break;
      case section.signature:
        // Two strings (the signing key, then the signature): skipped, as OpenSSH does.
        sections.string();
        signatures++;
        break;
      default:
        throw invalid(`it holds a section of unknown type ${type}`);
    }
  }
  return { krlVersion, generatedDate, comment, certificates, keys, sha1, sha256, signatures };
}
