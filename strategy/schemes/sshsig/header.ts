import { AuthError } from "../../errors.js";

/** The four params of `Authorization: SSHSIG …`, checked for form only (nothing is trusted yet). */
export interface SshsigParams {
  readonly username: string;
  /** Unix seconds as sent. */
  readonly time: number;
  readonly nonce: string;
  /** The blob's base64, armor and line breaks removed. */
  readonly signature: string;
}

const paramNames = ["username", "time", "nonce", "signature"] as const;
type ParamName = (typeof paramNames)[number];

const tokenChars = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const timeForm = /^(0|[1-9][0-9]{0,10})$/;
const nonceForm = /^[A-Za-z0-9_-]{16,64}$/;
const base64Form = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_USERNAME_LENGTH = 256;

function malformed(reason: string): AuthError {
  return new AuthError("malformed_token", `invalid SSHSIG header: ${reason}`, { detail: { reason } });
}

/**
 * Parses the RFC 9110 auth-param list after `SSHSIG ` (name=token or name="quoted-string",
 * separated by OWS "," OWS). Every param once, in any order, no unknown ones. Total: every
 * fault is an AuthError `malformed_token`.
 */
export function parseSshsigHeader(credential: string): SshsigParams {
  if (typeof credential !== "string") throw malformed("not a string");
  const values = new Map<ParamName, string>();
  let i = 0;
  const n = credential.length;
  const skipWs = () => {
    while (i < n && (credential[i] === " " || credential[i] === "\t")) i++;
  };
  skipWs();
  for (;;) {
    const nameStart = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(credential[i]!)) i++;
    const name = credential.slice(nameStart, i).toLowerCase();
    if (!tokenChars.test(name)) throw malformed("expected a parameter name");
    skipWs();
    if (credential[i] !== "=") throw malformed(`expected "=" after ${name}`);
    i++;
    skipWs();
    let value = "";
    if (credential[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = credential.charCodeAt(i);
        if (c === 0x22) {
          closed = true;
          i++;
          break;
        }
        if (c === 0x5c) {
          const next = credential.charCodeAt(i + 1);
          if (!(next === 0x09 || (next >= 0x20 && next !== 0x7f && next <= 0xff))) throw malformed("bad quoted-pair");
          value += credential[i + 1];
          i += 2;
          continue;
        }
        if (!(c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff))) throw malformed("control character in a quoted value");
        value += credential[i];
        i++;
      }
      if (!closed) throw malformed("unterminated quoted value");
    } else {
      const start = i;
      while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(credential[i]!)) i++;
      value = credential.slice(start, i);
      // token68-style padding is not a token; a bare base64 value keeps its "=" only quoted.
      if (value === "") throw malformed(`empty value for ${name}`);
    }
    if (!(paramNames as readonly string[]).includes(name)) throw malformed(`unknown parameter ${JSON.stringify(name)}`);
    if (values.has(name as ParamName)) throw malformed(`parameter ${name} given twice`);
    values.set(name as ParamName, value);
    skipWs();
    if (i >= n) break;
    if (credential[i] !== ",") throw malformed('expected "," between parameters');
    i++;
    skipWs();
  }
  for (const name of paramNames) if (!values.has(name)) throw malformed(`missing parameter ${name}`);
  const username = values.get("username")!;
  const time = values.get("time")!;
  const nonce = values.get("nonce")!;
  const signature = values.get("signature")!;
  if (username === "" || username.length > MAX_USERNAME_LENGTH || /[\u0000-\u001f\u007f]/.test(username)) throw malformed("bad username");
  if (!timeForm.test(time)) throw malformed("time must be unix seconds, decimal, without leading zeros");
  if (!nonceForm.test(nonce)) throw malformed("nonce must be 16–64 characters of [A-Za-z0-9_-]");
  if (signature === "" || !base64Form.test(signature)) throw malformed("signature must be padded base64");
  return { username, time: Number(time), nonce, signature };
}

/** The header value the parser above reads back: every param quoted, `"` and `\` escaped. */
export function formatSshsigHeader(p: SshsigParams): string {
  const quoted = (value: string) => `"${value.replace(/["\\]/g, "\\$&")}"`;
  return `SSHSIG username=${quoted(p.username)}, time="${p.time}", nonce="${p.nonce}", signature="${p.signature}"`;
}
