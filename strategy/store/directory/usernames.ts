/**
 * Username rules for new users. Upstream clients allow Unicode usernames (asymmetric-jwt-auth
 * follows Django's letters, digits and @.+-_; crtauth takes any UTF-8), so letters outside
 * ASCII stay allowed, but names that can pass for another name do not:
 *   - letters from more than one script (`аlice` with a Cyrillic а);
 *   - text that Unicode normalisation (NFKC) would change (fullwidth or ligature forms);
 *   - a name whose "skeleton" equals an existing user's (case, and Cyrillic or Greek
 *     letters drawn like Latin ones: `Alice`, `аlісе` next to `alice`).
 * Hand-written because the full Unicode confusables table (UTS #39) is thousands of
 * entries and no small, maintained package applies it; refusing mixed scripts catches the
 * classic attack, and the skeleton covers the whole-script lookalikes left over.
 */

const allowed = /^[\p{L}\p{N}._@+'-]{1,64}$/u;

/** Scripts a username's letters may come from; Han, Hiragana and Katakana mix in Japanese names. */
const scripts: readonly [name: string, pattern: RegExp][] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Armenian", /\p{Script=Armenian}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
  ["Arabic", /\p{Script=Arabic}/u],
  ["Devanagari", /\p{Script=Devanagari}/u],
  ["Thai", /\p{Script=Thai}/u],
  ["Hangul", /\p{Script=Hangul}/u],
  ["Japanese", /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
];

/** Cyrillic and Greek letters drawn like a Latin letter, and digits drawn like letters. */
const lookalikes: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  һ: "h",
  ӏ: "l",
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ϲ: "c",
  ϳ: "j",
  "0": "o",
  "1": "l",
  "|": "l",
};

export type UsernameProblem = { code: "invalid"; message: string } | null;

function scriptOf(letter: string): string {
  for (const [name, pattern] of scripts) if (pattern.test(letter)) return name;
  return `other (U+${letter.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
}

/** Why `username` may not be created, ignoring other users; null when it may. */
export function usernameProblem(username: string): UsernameProblem {
  if (!allowed.test(username)) return { code: "invalid", message: "usernames are 1–64 letters, digits or . _ @ + ' -" };
  if (username.normalize("NFKC") !== username) {
    return { code: "invalid", message: "the username has compatibility forms (fullwidth, ligatures…); type it with ordinary letters" };
  }
  const used = new Set<string>();
  // Letters shared by scripts (the Japanese long-vowel mark ー, for one) count for none.
  for (const letter of username.match(/\p{L}/gu) ?? []) {
    if (!/[\p{Script=Common}\p{Script=Inherited}]/u.test(letter)) used.add(scriptOf(letter));
  }
  if (used.size > 1) {
    return { code: "invalid", message: `the username mixes letters from several scripts (${[...used].sort().join(", ")}); use one` };
  }
  return null;
}

/** What a name looks like: lower case, lookalike letters folded to the Latin ones. Equal skeletons pass for each other. */
export function usernameSkeleton(username: string): string {
  let out = "";
  for (const char of username.normalize("NFKC").toLowerCase()) out += lookalikes[char] ?? char;
  return out;
}
