import type { BareItem, Parameters } from "structured-headers";
import { AuthError } from "../../errors.js";
import { keyTypeOfHttpSignatureAlg } from "../../keys/algorithms.js";
import type { SshKeyType } from "../../keys/types.js";
import { checkComponentId, type ComponentId } from "./components.js";
import type { SignatureInput } from "./fields.js";

/** A signature whose input meets the server's requirements; its bytes are checked later, against its key. */
export interface AcceptableSignature {
  readonly label: string;
  readonly components: readonly ComponentId[];
  readonly params: Parameters;
  readonly signature: Buffer;
  readonly created: number;
  readonly expires: number | null;
  readonly nonce: string;
  /** "SHA256:…" as `ssh-keygen -lf` prints it: the key is looked up by it. */
  readonly keyid: string;
  /** The key type its `alg` names, or null when it names none (the key's type decides). */
  readonly algKeyType: SshKeyType | null;
  readonly alg: string | null;
}

/** What the server asks of every signature. */
export interface SignatureRequirements {
  /** Any one of these sets of components must be covered. */
  readonly components: readonly (readonly string[])[];
  /** The request has a body, so `content-digest` must be covered too. */
  readonly body: boolean;
}

/** The parameters of §2.3 (the IANA registry); anything else is refused rather than ignored. */
const knownParams = new Set(["created", "expires", "nonce", "alg", "keyid", "tag"]);
const fingerprintShape = /^SHA256:[A-Za-z0-9+/]{43}$/;
const maxNonceLength = 256;

function malformed(label: string, why: string): AuthError {
  return new AuthError("signature_input_malformed", `Signature-Input ${label}: ${why}`, { detail: { label } });
}

function integerParam(label: string, params: Parameters, name: string): number | null {
  const value: BareItem | undefined = params.get(name);
  if (value === undefined) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw malformed(label, `${name} must be a non-negative integer`);
  return value;
}

function stringParam(label: string, params: Parameters, name: string): string | null {
  const value: BareItem | undefined = params.get(name);
  if (value === undefined) return null;
  if (typeof value !== "string") throw malformed(label, `${name} must be a string`);
  return value;
}

/** Is `name` covered as a plain component (no parameters: `"content-digest";key="…"` covers only a member)? */
function covers(components: readonly ComponentId[], name: string): boolean {
  return components.some((c) => c.name === name && c.params.size === 0);
}

/**
 * Checks one signature's input against the server's requirements, everything that needs
 * no key and no clock: registered parameters of the right types, `created`, `nonce` and a
 * fingerprint `keyid` present, an `alg` some SSH key signs with, components this server
 * derives, one required set covered, and `content-digest` when there is a body. Throws the
 * refusal; timestamps are checked only once a signature verified.
 */
export function acceptSignature(input: SignatureInput, signature: Buffer, required: SignatureRequirements): AcceptableSignature {
  const { label, components, params } = input;
  for (const name of params.keys()) {
    if (!knownParams.has(name)) throw new AuthError("param_unknown", `Signature-Input ${label}: unknown parameter ${name}`, { detail: { label, param: name } });
  }
  const created = integerParam(label, params, "created");
  const expires = integerParam(label, params, "expires");
  const nonce = stringParam(label, params, "nonce");
  const keyid = stringParam(label, params, "keyid");
  const alg = stringParam(label, params, "alg");
  stringParam(label, params, "tag");
  if (created === null) throw new AuthError("created_missing", `Signature-Input ${label}: the created parameter is required`, { detail: { label } });
  if (nonce === null || nonce === "") throw new AuthError("nonce_missing", `Signature-Input ${label}: the nonce parameter is required`, { detail: { label } });
  if (nonce.length > maxNonceLength) throw malformed(label, `the nonce is longer than ${maxNonceLength} characters`);
  if (keyid === null || !fingerprintShape.test(keyid)) {
    throw new AuthError("keyid_malformed", `Signature-Input ${label}: keyid must be the key's SHA256 fingerprint, as ssh-keygen -lf prints it`, {
      detail: { label },
    });
  }
  const algKeyType = alg === null ? null : keyTypeOfHttpSignatureAlg(alg);
  if (alg !== null && algKeyType === null) {
    throw new AuthError("alg_not_allowed", `Signature-Input ${label}: alg ${JSON.stringify(alg.slice(0, 40))} is not one an SSH key signs with`, {
      detail: { label },
    });
  }
  for (const component of components) checkComponentId(component);
  if (!required.components.some((set) => set.every((name) => covers(components, name)))) {
    const wanted = required.components.map((set) => set.join(" ")).join(" | ");
    throw new AuthError("component_not_covered", `Signature-Input ${label} must cover one of: ${wanted}`, { detail: { label } });
  }
  if (required.body && !covers(components, "content-digest")) {
    throw new AuthError("digest_missing", `Signature-Input ${label}: a request with a body must cover content-digest (RFC 9530)`, { detail: { label } });
  }
  return { label, components, params, signature, created, expires, nonce, keyid, algKeyType, alg };
}

/** Accept-Signature's parameters (§5.1): the ones every signature must carry, as bare names (no alg: the key decides). */
export function requiredParams(): Parameters {
  return new Map<string, BareItem>([
    ["created", true],
    ["nonce", true],
    ["keyid", true],
  ]);
}
