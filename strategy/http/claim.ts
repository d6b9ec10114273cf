import type { AnyCodec } from "../core/codec.js";
import type { RequestView } from "../core/request-view.js";
import { AuthError } from "../errors.js";
import { parseAuthorization, syntaxOfCodecs } from "./authorization.js";

/** The codec that takes this request and its credential, or the refusal (with the codec it concerns, if any). */
export type Claim = { codec: AnyCodec; credential: string; refusal?: undefined } | { refusal: AuthError; codec: AnyCodec | null };

/** The first enabled codec that handles this scheme word and credential. */
function claimant(schemes: readonly AnyCodec[], word: string, credential: string): AnyCodec | undefined {
  return schemes.find((s) => s.claims(word, credential));
}

// One syntax lookup per list of codecs (a strategy's list lives as long as it does), not a
// fresh closure for every request.
const syntaxOfList = new WeakMap<readonly AnyCodec[], ReturnType<typeof syntaxOfCodecs>>();

function syntaxOf(schemes: readonly AnyCodec[]): ReturnType<typeof syntaxOfCodecs> {
  let found = syntaxOfList.get(schemes);
  if (found === undefined) syntaxOfList.set(schemes, (found = syntaxOfCodecs(schemes)));
  return found;
}

/**
 * Which of `schemes` verifies this request: by its Authorization header, or without one by a
 * codec that claims the request's other headers (RFC 9421's Signature). Every adapter asks this.
 */
export function claimRequest(schemes: readonly AnyCodec[], view: RequestView): Claim {
  const header = parseAuthorization(view.header("authorization"), syntaxOf(schemes));
  if (header.kind === "none") {
    const byHeaders = schemes.find((s) => s.claimsRequest?.(view) === true);
    if (byHeaders) return { codec: byHeaders, credential: "" };
    return { codec: null, refusal: new AuthError("missing_credentials", "this request needs an Authorization header signed with an SSH key") };
  }
  if (header.kind === "too_large") return { codec: null, refusal: new AuthError("credentials_too_large", "the Authorization header is too large") };
  const scheme =
    header.kind === "credential"
      ? claimant(schemes, header.word, header.credential)
      : header.word === undefined
        ? undefined
        : claimant(schemes, header.word, "");
  if (header.kind === "malformed") {
    return { codec: scheme ?? null, refusal: new AuthError("malformed_header", `malformed Authorization header: ${header.reason}`) };
  }
  if (!scheme) {
    return {
      codec: null,
      refusal: new AuthError("unsupported_scheme", `the Authorization scheme ${JSON.stringify(header.word.slice(0, 20))} is not accepted here`),
    };
  }
  return { codec: scheme, credential: header.credential };
}
