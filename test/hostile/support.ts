// The hostile-input suite's tools: a seeded PRNG, systematic mutations of valid inputs, a raw
// HTTP/1.1 client (fetch and http.request refuse the NUL, CR, LF and non-Latin-1 bytes these
// inputs carry) and one verdict per response, collected so a failing run names every input.
import net from "node:net";
import { expect } from "vitest";
import type { TestServer } from "../support/server.js";

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = (rng: Random, n: number) => Math.floor(rng() * n);

/** One hostile input: what it is (for the failure report) and the value sent. */
export interface Mutant<T = string> {
  label: string;
  value: T;
}

/** Where truncations are tried: every boundary given, its neighbours, and `extra` random offsets. */
function cutPoints(length: number, boundaries: number[], rng: Random, extra: number): number[] {
  const points = new Set<number>([0, 1, length - 1]);
  for (const b of boundaries) for (const p of [b - 1, b, b + 1]) points.add(p);
  for (let i = 0; i < extra; i++) points.add(pick(rng, length));
  return [...points].filter((p) => p >= 0 && p < length).sort((a, b) => a - b);
}

/**
 * Byte-level mutations of an encoded message: truncation at every field boundary (`boundaries`
 * are byte offsets where a field starts) and at random offsets, single-bit flips, every byte at
 * a boundary set to 0x00/0x7f/0x80/0xff (length prefixes and tags lying), a duplicated slice,
 * a dropped slice and trailing junk. `encode` turns bytes back into what the parser reads.
 */
export function byteMutants(bytes: Buffer, boundaries: number[], encode: (b: Buffer) => string, rng: Random, name = "bytes"): Mutant[] {
  const out: Mutant[] = [];
  for (const cut of cutPoints(bytes.length, boundaries, rng, 8)) {
    out.push({ label: `${name} truncated to ${cut} of ${bytes.length}`, value: encode(bytes.subarray(0, cut)) });
  }
  for (let i = 0; i < 16; i++) {
    const at = pick(rng, bytes.length);
    const bit = pick(rng, 8);
    const copy = Buffer.from(bytes);
    copy[at] = (copy[at] ?? 0) ^ (1 << bit);
    out.push({ label: `${name} bit ${bit} of byte ${at} flipped`, value: encode(copy) });
  }
  for (const at of boundaries.filter((b) => b < bytes.length)) {
    for (const v of [0x00, 0x7f, 0x80, 0xff]) {
      const copy = Buffer.from(bytes);
      copy[at] = v;
      out.push({ label: `${name} byte ${at} (a field start) set to 0x${v.toString(16)}`, value: encode(copy) });
    }
  }
  const from = pick(rng, bytes.length);
  const to = Math.min(bytes.length, from + 1 + pick(rng, 16));
  const slice = bytes.subarray(from, to);
  out.push({ label: `${name} bytes ${from}..${to} duplicated`, value: encode(Buffer.concat([bytes.subarray(0, to), slice, bytes.subarray(to)])) });
  out.push({ label: `${name} bytes ${from}..${to} dropped`, value: encode(Buffer.concat([bytes.subarray(0, from), bytes.subarray(to)])) });
  out.push({ label: `${name} doubled`, value: encode(Buffer.concat([bytes, bytes])) });
  out.push({ label: `${name} with 0xff×64 appended`, value: encode(Buffer.concat([bytes, Buffer.alloc(64, 0xff)])) });
  out.push({ label: `${name} empty`, value: encode(Buffer.alloc(0)) });
  return out;
}

/**
 * The generated mutants to run on a database: all of them on SQLite, every third on
 * PostgreSQL. The parsers are the same code on both; what differs is what reaches the
 * database, and the hand-picked inputs, which every file runs on both, aim at exactly that.
 * Keeps the suite's wall time down on a shared two-core machine.
 */
export function sampleFor<T>(kind: "sqlite" | "postgresql", mutants: T[]): T[] {
  return kind === "sqlite" ? mutants : mutants.filter((_, i) => i % 3 === 0);
}

/** Characters that break naive text handling: Unicode look-alikes, RTL override, BOM, astral, combining marks. */
const unicodeJunk = ["é", "\u202e", "\ufeff", "𝓪", "Ａ", "\u0301", "\u2028", "\ud800"];
/** Bytes a header can only carry on the raw wire (Node's parser answers them itself). */
const wireJunk = ["\u0000", "\r\n", "\r", "\n", "\r\nX-Injected: 1", "\u0007", "\u007f"];

/**
 * Text-level mutations of a credential or other string: truncation at every boundary given
 * (separators, field starts) and at random offsets, duplicated and dropped segments, and
 * Unicode, NUL, CR/LF, whitespace and padding inserted at random places.
 */
export function textMutants(text: string, boundaries: number[], rng: Random, name = "text"): Mutant[] {
  const out: Mutant[] = [];
  for (const cut of cutPoints(text.length, boundaries, rng, 6)) {
    out.push({ label: `${name} truncated to ${cut} of ${text.length} chars`, value: text.slice(0, cut) });
  }
  const at = () => pick(rng, text.length + 1);
  const insert = (s: string, where = at()) => text.slice(0, where) + s + text.slice(where);
  for (const junk of [...unicodeJunk, ...wireJunk, " ", "\t", "=", "==", "%00", "\\", "'", '"']) {
    const where = at();
    out.push({ label: `${name} with ${JSON.stringify(junk)} inserted at ${where}`, value: insert(junk, where) });
  }
  out.push({ label: `${name} with a BOM in front`, value: `\ufeff${text}` });
  out.push({ label: `${name} with trailing NUL`, value: `${text}\u0000` });
  out.push({ label: `${name} with trailing CRLF`, value: `${text}\r\n` });
  out.push({ label: `${name} upper-cased`, value: text.toUpperCase() });
  out.push({ label: `${name} reversed`, value: [...text].reverse().join("") });
  out.push({ label: `${name} doubled`, value: text + text });
  out.push({ label: `${name} doubled with a space`, value: `${text} ${text}` });
  const cuts = [0, ...boundaries.filter((b) => b > 0 && b < text.length), text.length];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    out.push({ label: `${name} segment ${a}..${b} duplicated`, value: text.slice(0, b) + text.slice(a, b) + text.slice(b) });
    out.push({ label: `${name} segment ${a}..${b} dropped`, value: text.slice(0, a) + text.slice(b) });
  }
  return out;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: any;
  ms: number;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Sent as UTF-8 bytes, exactly; no validation, so NUL, CR and LF reach the server. */
  headers?: Array<[string, string]>;
  body?: string | Buffer | undefined;
  /** The Host header (default: the base URL's), e.g. the one public name instances behind a load balancer all see. */
  host?: string | undefined;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** One request on its own connection, byte for byte; resolves with whatever the server answered. */
export function rawRequest(base: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, "utf8");
  const lines = [`${request.method ?? "GET"} ${request.path} HTTP/1.1`, `Host: ${request.host ?? url.host}`, "Connection: close"];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset after a complete answer is how Node closes on a request it refused mid-stream.
      if (error.code === "ECONNRESET" && chunks.length > 0) return;
      reject(error);
    });
    socket.on("close", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no HTTP response (${all.length} bytes)`));
      const [statusLine, ...headerLines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let payload: Buffer = all.subarray(split + 4);
      if (/chunked/i.test(headers["transfer-encoding"] ?? "")) payload = dechunk(payload);
      const text = payload.toString("utf8");
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine?.split(" ")[1]), headers, body: text, json, ms: performance.now() - started });
    });
    socket.write(body ? Buffer.concat([head, body]) : head);
  });
}

/**
 * Runs `fn` over `items`, `limit` at a time: the inputs and their verdicts stay the same run to
 * run, only the order answers arrive in changes.
 */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The one latency bound of the suite: every hostile request is answered within a second. */
const slowMs = 1000;

/** Does this header value need the raw wire (Node's HTTP parser answers it before any app code)? */
export function wireOnly(value: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value) || Buffer.byteLength(value) > 12 * 1024;
}

/**
 * Collects what went wrong across many inputs; `assertClean()` fails once, listing them all.
 * Also listens for unhandled rejections for as long as it is open: the app runs in this
 * process, so a promise a route forgot is caught here.
 */
export class Verdicts {
  readonly problems: string[] = [];
  readonly unhandled: unknown[] = [];
  count = 0;
  private readonly onRejection = (reason: unknown) => {
    this.unhandled.push(reason);
  };

  constructor() {
    process.on("unhandledRejection", this.onRejection);
  }

  /** Records `problem` for `label` unless it is null. */
  note(label: string, problem: string | null): void {
    this.count++;
    if (Verdicts.slowestSeen > Verdicts.slowestLabelMs) [Verdicts.slowestLabel, Verdicts.slowestLabelMs] = [label, Verdicts.slowestSeen];
    if (problem !== null) this.problems.push(`${label}: ${problem}`);
  }

  /** Common to every parser: no 5xx, no slow answer. Returns a problem or null. */
  static basic(r: RawResponse): string | null {
    Verdicts.slowestSeen = Math.max(Verdicts.slowestSeen, r.ms);
    if (r.status >= 500) return `status ${r.status} ${r.body.slice(0, 200)}`;
    if (!(r.status >= 100)) return `no status line`;
    if (r.ms > slowMs) return `answered after ${Math.round(r.ms)} ms`;
    return null;
  }

  /**
   * A refusal with a JSON error code: 4xx and `{"error":{"code"}}` with `code` in `codes` (when
   * given). Inputs that only the raw wire can carry may instead be refused by Node's HTTP parser
   * itself (400/413/431 and no app body).
   */
  static jsonRefusal(r: RawResponse, options: { codes?: readonly string[]; wire?: boolean; allow?: (r: RawResponse) => boolean } = {}): string | null {
    const basic = Verdicts.basic(r);
    if (basic) return basic;
    if (options.allow?.(r)) return null;
    if (options.wire && [400, 413, 431].includes(r.status) && r.json === undefined) return null;
    if (r.status < 400 || r.status >= 500) return `status ${r.status}, expected a 4xx refusal: ${r.body.slice(0, 200)}`;
    const code = r.json?.error?.code;
    if (typeof code !== "string" || !/^[a-z_]+$/.test(code)) return `status ${r.status} without a JSON error code: ${r.body.slice(0, 200)}`;
    if (options.codes && !options.codes.includes(code)) return `unexpected code ${code}`;
    return null;
  }

  /** Slowest answer seen by any Verdicts in this file. */
  static slowestSeen = 0;
  static slowestLabel = "";
  static slowestLabelMs = 0;

  close(): void {
    process.off("unhandledRejection", this.onRejection);
  }

  /** Fails with every problem seen; at least `minimum` inputs must have been judged. */
  assertClean(minimum: number): void {
    expect(this.unhandled.map(String), "unhandled rejections").toEqual([]);
    expect(this.problems).toEqual([]);
    expect(this.count).toBeGreaterThanOrEqual(minimum);
  }
}

/**
 * After the hostile inputs: does an honest request (sent by `send` with `userAgent`) still
 * reach the event log within a few seconds? One event the database cannot hold would fail
 * every batch after it, with no 5xx to show for it.
 */
async function eventLogStillWrites(
  prisma: { authEvent: { findFirst(args: object): Promise<{ username: string | null } | null> } },
  userAgent: string,
): Promise<string | null> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const row = await prisma.authEvent.findFirst({ where: { userAgent, outcome: "success" } });
    if (row) return row.username;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** After the hostile inputs: an honest request to /whoami (`authorization`, User-Agent `marker`) is accepted as alice and its event reaches the log. */
export async function expectHonestRequestLogged(t: Pick<TestServer, "url" | "store">, authorization: string, marker: string): Promise<void> {
  const r = await rawRequest(t.url, {
    path: "/whoami",
    headers: [
      ["Authorization", authorization],
      ["User-Agent", marker],
    ],
  });
  expect(r.status).toBe(200);
  await expectEventLogged(t, marker);
}

/** A success event of alice's with User-Agent `marker` reaches the log within a few seconds. */
export async function expectEventLogged(t: Pick<TestServer, "store">, marker: string): Promise<void> {
  expect(await eventLogStillWrites(t.store.database.prisma, marker)).toBe("alice");
}
