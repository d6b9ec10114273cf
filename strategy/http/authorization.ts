import type { AnyCodec, CredentialSyntax } from "../core/codec.js";

/** Longest Authorization header value considered at all; larger ones are refused unread. */
export const maxAuthorizationLength = 16 * 1024;

export type ParsedAuthorization =
  { kind: "none" } | { kind: "too_large" } | { kind: "malformed"; reason: string; word?: string } | { kind: "credential"; word: string; credential: string };

// RFC 9110 token characters for the scheme word.
const schemeWord = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Base64, base64url, JWS and crtauth credentials all fit token68 (RFC 9110 §11.2).
const token68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Every credential is one token68 unless the caller says otherwise. */
const token68Only = (): CredentialSyntax => "token68";

/** The syntax of whichever of `codecs` claims the word (token68 when none does), for parseAuthorization. */
export function syntaxOfCodecs(codecs: readonly AnyCodec[]): (word: string, credential: string) => CredentialSyntax {
  return (word, credential) => codecs.find((codec) => codec.claims(word, credential))?.credentialSyntax ?? "token68";
}

/**
 * Splits an Authorization header into a lower-cased scheme word and its credential.
 * Total: never throws, whatever the input. crtauth clients send `chap:<token>` with a
 * colon and no space, so that one form is recognised too.
 *
 * `syntaxOf` says how the credential of a scheme is written (RFC 9110 §11.4). By default
 * every credential must be one token68, so a caller that passes nothing gets the strict
 * form and an auth-param list (`SSHSIG username="…", …`) is `malformed`. The strategy passes
 * the `credentialSyntax` of the codec that claims the word; an "auth-params" credential is
 * returned as sent (trimmed), for that codec to parse.
 */
export function parseAuthorization(
  header: string | string[] | undefined,
  syntaxOf: (word: string, credential: string) => CredentialSyntax = token68Only,
): ParsedAuthorization {
  if (Array.isArray(header)) header = header[0];
  if (typeof header !== "string") return { kind: "none" };
  if (header.length > maxAuthorizationLength) return { kind: "too_large" };
  const value = header.trim();
  if (value === "") return { kind: "none" };

  const space = value.search(/[ \t]/);
  let word: string;
  let credential: string;
  if (space === -1) {
    const chap = /^chap:/i.exec(value);
    if (!chap) return { kind: "malformed", reason: "expected `<scheme> <credential>`" };
    word = "chap";
    credential = value.slice(5);
  } else {
    word = value.slice(0, space);
    credential = value.slice(space + 1).trim();
  }
  if (!schemeWord.test(word)) return { kind: "malformed", reason: "the scheme word has invalid characters" };
  word = word.toLowerCase();
  if (credential === "") return { kind: "malformed", reason: "the credential is empty", word };
  if (syntaxOf(word, credential) === "token68" && !token68.test(credential)) {
    return { kind: "malformed", reason: "the credential must be one token without spaces", word };
  }
  return { kind: "credential", word, credential };
}
