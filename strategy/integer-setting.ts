/**
 * A whole-number setting from the environment: unset or blank gives the default; anything
 * else must be an integer ≥ `min`, or a TypeError naming the variable, so a typo stops
 * startup with one line instead of running on NaN.
 */
export function integerSetting(name: string, options: { default: number; min: number; what: string }): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return options.default;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < options.min) throw new TypeError(`${name} must be ${options.what} (got ${JSON.stringify(text)})`);
  return value;
}
