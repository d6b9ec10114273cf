import { parseDictionary, serializeDictionary, type Dictionary, type InnerList, type Item, type Parameters } from "structured-headers";
import { AuthError } from "../../errors.js";
import type { ComponentId } from "./components.js";
import { signatureInnerList } from "./signature-base.js";

/** One member of Signature-Input (§4.1): the covered components and the signature parameters, unchecked. */
export interface SignatureInput {
  readonly label: string;
  readonly components: readonly ComponentId[];
  readonly params: Parameters;
}

function dictionary(value: string, field: string, code: "signature_input_malformed" | "signature_malformed"): Dictionary {
  try {
    return parseDictionary(value);
  } catch (error) {
    throw new AuthError(code, `the ${field} field is not a structured-field dictionary (RFC 8941): ${(error as Error).message}`);
  }
}

/**
 * Signature-Input as its members by label, each an inner list of string component ids
 * (RFC 9421 §4.1). Throws `signature_input_malformed` for anything else; the parameters'
 * meaning is the verifier's to check.
 */
export function parseSignatureInput(value: string): Map<string, SignatureInput> {
  const inputs = new Map<string, SignatureInput>();
  for (const [label, member] of dictionary(value, "Signature-Input", "signature_input_malformed")) {
    if (!Array.isArray(member[0])) throw new AuthError("signature_input_malformed", `Signature-Input ${label} is not an inner list of components`);
    const [items, params] = member as InnerList;
    const components = items.map(([name, componentParams]): ComponentId => {
      if (typeof name !== "string") throw new AuthError("signature_input_malformed", `Signature-Input ${label} has a component that is not a string`);
      return { name, params: componentParams };
    });
    inputs.set(label, { label, components, params });
  }
  return inputs;
}

/** Signature as its byte sequences by label (§4.2). Throws `signature_malformed` for any other member. */
export function parseSignature(value: string): Map<string, Buffer> {
  const signatures = new Map<string, Buffer>();
  for (const [label, member] of dictionary(value, "Signature", "signature_malformed")) {
    const bytes = (member as Item)[0];
    if (Array.isArray(member[0]) || !(bytes instanceof ArrayBuffer)) {
      throw new AuthError("signature_malformed", `Signature ${label} is not a byte sequence`);
    }
    signatures.set(label, Buffer.from(bytes));
  }
  return signatures;
}

/** The Signature-Input field for one signature: `label=("@method" …);created=…`. */
export function serializeSignatureInput(label: string, components: readonly ComponentId[], params: Parameters): string {
  return serializeDictionary(new Map([[label, signatureInnerList(components, params)]]));
}

/** The Signature field for one signature: `label=:base64:`. */
export function serializeSignature(label: string, signature: Uint8Array): string {
  return serializeDictionary(new Map([[label, [signature, new Map()] as Item]]));
}

/**
 * Accept-Signature (§5.1): what a signature must cover and carry, without `alg` (the key
 * decides) — the same inner-list syntax as Signature-Input.
 */
export function serializeAcceptSignature(label: string, components: readonly ComponentId[], params: Parameters): string {
  return serializeSignatureInput(label, components, params);
}
