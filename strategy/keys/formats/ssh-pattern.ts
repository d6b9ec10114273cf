/**
 * OpenSSH pattern lists (ssh_config(5) PATTERNS, `match_pattern_list` in match.c): comma-separated
 * patterns where `*` matches any run and `?` one character; a pattern led by `!` that matches
 * excludes, whatever else matches. Case-sensitive, as allowed_signers uses them.
 */

/** Whether `text` matches one glob; one backtrack point, so at most text × pattern steps, never exponential. */
function globMatches(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/** True when `text` matches the list: some pattern matches and no negated one does. */
export function patternListMatches(text: string, list: string): boolean {
  let matched = false;
  for (const pattern of list.split(",")) {
    const negated = pattern.startsWith("!");
    if (!globMatches(text, negated ? pattern.slice(1) : pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** True when `name` is a pattern rather than one literal name. */
export function isPattern(name: string): boolean {
  return /[*?]/.test(name) || name.startsWith("!");
}
