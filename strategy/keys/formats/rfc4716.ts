import { decodeBase64Strict } from "../base64.js";
import { KeyFormatError } from "../errors.js";
import type { KeyFormat } from "./format.js";

const begin = "---- BEGIN SSH2 PUBLIC KEY ----";
const end = "---- END SSH2 PUBLIC KEY ----";

function malformed(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", message);
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** RFC 4716 SSH2 public key file, as `ssh-keygen -e` and PuTTYgen write it. */
export const rfc4716: KeyFormat = {
  name: "rfc4716",
  sniff: (text) => text.startsWith(begin),
  parse(text) {
    const lines = text.split("\n").map((line) => line.trim());
    if (lines[0] !== begin) throw malformed(`Expected a "${begin}" line.`);
    if (lines.length < 3 || lines[lines.length - 1] !== end) throw malformed(`The "${end}" line is missing.`);
    const body = lines.slice(1, -1);
    let comment = "";
    let i = 0;
    // Base64 never contains ':', so headers are exactly the leading lines that do.
    while (i < body.length && (body[i] ?? "").includes(":")) {
      let header = body[i++] ?? "";
      while (header.endsWith("\\") && i < body.length) header = header.slice(0, -1) + (body[i++] ?? "");
      const colon = header.indexOf(":");
      if (header.slice(0, colon).trim().toLowerCase() === "comment") comment = unquote(header.slice(colon + 1).trim());
    }
    const blob = decodeBase64Strict(body.slice(i).join(""));
    return { blob, comment };
  },
  serialize(key) {
    const data = key.blob.toString("base64").replace(/.{1,70}/g, "$&\n");
    const comment = key.comment ? `Comment: "${key.comment.replace(/"/g, "'")}"\n` : "";
    return `${begin}\n${comment}${data}${end}\n`;
  },
};
