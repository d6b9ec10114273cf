import { parseDictionary, serializeInnerList, serializeItem, type Item, type Parameters } from "structured-headers";
import { AuthError } from "../../errors.js";
import { splitTargetUri, type HttpMessage, type TargetUriParts } from "./message.js";

/** A covered component (RFC 9421 §2): a field name or derived `@name`, with its parameters (`;key="…"`, `;name="…"`). */
export interface ComponentId {
  readonly name: string;
  readonly params: Parameters;
}

/** The derived components this implementation computes (§2.2); `@query-param` needs `;name`, `@status` a response. */
const derivedComponents = new Set(["@method", "@target-uri", "@authority", "@scheme", "@request-target", "@path", "@query", "@query-param", "@status"]);

/** The component identifier as the signature base writes it: `"@query-param";name="Pet"` (§2.5). */
export function serializeComponentId(component: ComponentId): string {
  return serializeItem([component.name, component.params]);
}

function unknown(component: ComponentId, why: string): AuthError {
  return new AuthError("component_unknown", `RFC 9421 component ${serializeComponentId(component)} ${why}`, { detail: { component: component.name } });
}

function missing(component: ComponentId, why: string): AuthError {
  return new AuthError("component_missing", `RFC 9421 component ${serializeComponentId(component)} ${why}`, { detail: { component: component.name } });
}

/**
 * Checks a component identifier against what this implementation derives, before any value
 * is read: a lower-case name, a known derived component, and only the parameters supported
 * (`;name` on `@query-param`, `;key` on a dictionary field). Throws `component_unknown`.
 */
export function checkComponentId(component: ComponentId): void {
  const { name, params } = component;
  if (name === "" || name !== name.toLowerCase() || /[\s"]/.test(name)) throw unknown(component, "is not a lower-case component name");
  if (name.startsWith("@")) {
    if (!derivedComponents.has(name)) throw unknown(component, "is not a derived component this server knows");
    const allowed = name === "@query-param" ? ["name"] : [];
    for (const key of params.keys()) if (!allowed.includes(key)) throw unknown(component, `has the unsupported parameter ${key}`);
    if (name === "@query-param" && typeof params.get("name") !== "string") throw unknown(component, "needs a string name parameter");
    return;
  }
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw unknown(component, "is not a field name");
  for (const key of params.keys()) if (key !== "key") throw unknown(component, `has the unsupported parameter ${key}`);
  if (params.has("key") && typeof params.get("key") !== "string") throw unknown(component, "needs a string key parameter");
}

/** §2.1: every value of the field, each trimmed, joined by ", " (obsolete line folding cannot reach here: node refuses it). */
function fieldValue(message: HttpMessage, component: ComponentId): string {
  const raw = message.header(component.name);
  if (raw === undefined) throw missing(component, "is not a field of this message");
  const values = typeof raw === "string" ? [raw] : raw;
  if (values.length === 0) throw missing(component, "is not a field of this message");
  const joined = values.map((v) => v.trim()).join(", ");
  const key = component.params.get("key");
  if (typeof key !== "string") return joined;
  // §2.1.2: the member's value re-serialised, so the signer's whitespace does not matter.
  let member: Item | [Item[], Parameters] | undefined;
  try {
    member = parseDictionary(joined).get(key);
  } catch {
    throw missing(component, "is not a dictionary field");
  }
  if (member === undefined) throw missing(component, `has no member ${key}`);
  return Array.isArray(member[0]) ? serializeInnerList(member as [Item[], Parameters]) : serializeItem(member as Item);
}

/** The application/x-www-form-urlencoded percent-encode set (§2.2.8 re-encodes names and values with it). */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryParamValues(query: string | null, name: string): string[] {
  if (query === null) return [];
  const values: string[] = [];
  // The `name` parameter is the encoded name; a name is compared after the same decoding and re-encoding.
  for (const [key, value] of new URLSearchParams(query)) if (formEncode(key) === name) values.push(formEncode(value));
  return values;
}

function targetParts(message: HttpMessage, component: ComponentId): TargetUriParts {
  const parts = splitTargetUri(message.targetUri);
  if (!parts) throw missing(component, "cannot be derived: the target URI is not absolute");
  return parts;
}

/**
 * The component's value lines for the signature base (§2.2, §2.1): one value, except
 * `@query-param`, which has one per occurrence of its name. Throws `component_missing` when the
 * message has no such value (an absent field, a query parameter not there, `@status` of a request).
 */
export function componentValues(message: HttpMessage, component: ComponentId): string[] {
  checkComponentId(component);
  switch (component.name) {
    case "@method":
      return [message.method];
    case "@target-uri":
      targetParts(message, component);
      return [message.targetUri];
    case "@authority":
      return [targetParts(message, component).authority];
    case "@scheme":
      return [targetParts(message, component).scheme];
    case "@path":
      return [targetParts(message, component).path];
    case "@query": {
      const query = targetParts(message, component).query;
      return [`?${query ?? ""}`];
    }
    case "@request-target": {
      const { path, query } = targetParts(message, component);
      return [query === null ? path : `${path}?${query}`];
    }
    case "@query-param": {
      const values = queryParamValues(targetParts(message, component).query, component.params.get("name") as string);
      if (values.length === 0) throw missing(component, "is not a parameter of the query");
      return values;
    }
    case "@status":
      if (message.status === undefined) throw missing(component, "exists only in a response");
      return [String(message.status)];
    default:
      return [fieldValue(message, component)];
  }
}
