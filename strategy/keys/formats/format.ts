import type { KeyObject } from "node:crypto";
import type { KeyFormatName } from "../errors.js";
import type { ParsedPublicKey } from "../types.js";
import type { KeyLineOptions } from "./key-options.js";

/** What a format yields before policy: an SSH wire blob (with its line's options) or a node:crypto key. */
type DecodedKey = { blob: Buffer; comment: string; options?: KeyLineOptions | undefined } | { keyObject: KeyObject; comment: string };

/** One text encoding of a public key. `text` is one block, trimmed, lines joined with "\n". */
export interface KeyFormat {
  readonly name: KeyFormatName;
  /** Cheap shape test used by the sniffer; parse() does the real validation. */
  sniff(text: string): boolean;
  /** Throws KeyFormatError. */
  parse(text: string): DecodedKey;
  serialize(key: ParsedPublicKey): string;
}
