import { fetchableUrl } from "../net/url-policy.js";
import type { KeySourceKind } from "../store/ports.js";
import { ImportError } from "./errors.js";
import type { KeyImportSettings } from "./options.js";

/** A source as stored: its kind, the ref as given (normalised), the URL fetched. */
export interface SourceRef {
  kind: KeySourceKind;
  ref: string;
  url: string;
}

// GitHub logins: alphanumerics and single hyphens, at most 39; GitLab's: also _ and ., at most 255.
const githubLogin = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const gitlabLogin = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,254})$/;
const maxUrlLength = 2048;

const usage = "a key source is gh:LOGIN, gitlab:LOGIN, gitlab:HOST/LOGIN or an https:// URL of a key list";

function invalid(message: string): ImportError {
  return new ImportError("invalid_source", message);
}

function gitlabBase(host: string): string {
  let url: URL;
  try {
    url = new URL(`https://${host}`);
  } catch {
    throw invalid(`gitlab:HOST/LOGIN: ${JSON.stringify(host.slice(0, 100))} is not a host name`);
  }
  if (url.host !== host.toLowerCase() || url.pathname !== "/") throw invalid(`gitlab:HOST/LOGIN: ${JSON.stringify(host.slice(0, 100))} is not a host name`);
  return url.origin;
}

function checkedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(usage);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid(usage);
  if (url.username !== "" || url.password !== "") throw invalid("a key list URL must not carry a user name or password");
  if (url.hash !== "") throw invalid("a key list URL must not have a #fragment");
  if (url.href.length > maxUrlLength) throw invalid(`a key list URL is at most ${maxUrlLength} characters`);
  return url;
}

/**
 * Reads `gh:LOGIN`, `gitlab:LOGIN`, `gitlab:HOST/LOGIN` or a URL into the source it names.
 * Whether the URL may be fetched at all (https, or http by the settings) is checked here, so a
 * source that could never sync is not stored; where its host resolves to is checked at fetch time.
 */
export function parseSourceRef(text: string, settings: KeyImportSettings): SourceRef {
  if (typeof text !== "string" || text.length === 0) throw invalid(usage);
  let source: SourceRef;
  if (text.startsWith("gh:")) {
    const login = text.slice(3);
    if (!githubLogin.test(login)) throw invalid("gh:LOGIN: not a GitHub login (letters, digits and hyphens, at most 39)");
    source = { kind: "github", ref: `gh:${login}`, url: `${settings.githubUrl}/${login}.keys` };
  } else if (text.startsWith("gitlab:")) {
    const rest = text.slice(7);
    const slash = rest.lastIndexOf("/");
    const login = rest.slice(slash + 1);
    if (!gitlabLogin.test(login)) throw invalid("gitlab:LOGIN: not a GitLab username");
    const base = slash === -1 ? settings.gitlabUrl : gitlabBase(rest.slice(0, slash));
    const ref = slash === -1 ? `gitlab:${login}` : `gitlab:${new URL(base).host}/${login}`;
    source = { kind: "gitlab", ref, url: `${base}/${login}.keys` };
  } else {
    const url = checkedUrl(text);
    source = { kind: "url", ref: url.href, url: url.href };
  }
  if (!fetchableUrl(source.url, settings)) {
    throw invalid("only https:// key lists are fetched (http:// with the keyImport.allowHttp option, or on loopback with private addresses allowed)");
  }
  return source;
}
