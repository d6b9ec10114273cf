/**
 * JSON text byte-identical to Python's `json.dumps(value, separators=(",", ":"))` with the
 * default `ensure_ascii=True` (what PyJWT uses), for the value shapes a JWT needs: strings,
 * integers, booleans, null, arrays and plain objects (keys in insertion order).
 *
 * Differences from JSON.stringify this takes care of: every character outside printable
 * ASCII (0x20–0x7E) is written as a lowercase `\uXXXX` escape (non-BMP characters as their
 * UTF-16 surrogate pair, DEL as `\u007f`), while `/` stays unescaped.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return pythonJsonString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value)) {
        // Python prints floats differently (repr); JWT claims here are integers.
        throw new TypeError(`pythonJsonDumps: only safe integers are supported, got ${value}`);
      }
      return String(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(",")}]`;
      const parts = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${pythonJsonString(k)}:${pythonJsonDumps(v)}`);
      return `{${parts.join(",")}}`;
    }
    default:
      throw new TypeError(`pythonJsonDumps: cannot encode ${typeof value}`);
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: "\\\\",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x08: "\\b",
  0x0c: "\\f",
};

function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += "\\u" + c.toString(16).padStart(4, "0");
  }
  return out + '"';
}
