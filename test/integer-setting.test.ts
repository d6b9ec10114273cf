import { afterEach, describe, expect, it } from "vitest";
import { integerSetting } from "../strategy/integer-setting.js";

describe("integerSetting", () => {
  const name = "PSSK_TEST_INTEGER_SETTING";
  afterEach(() => {
    delete process.env[name];
  });
  const read = () => integerSetting(name, { default: 7, min: 1, what: "a positive integer" });

  it("gives the default when unset or blank, the number otherwise", () => {
    expect(read()).toBe(7);
    process.env[name] = "  ";
    expect(read()).toBe(7);
    process.env[name] = "42";
    expect(read()).toBe(42);
  });

  it("refuses what is not a whole number at least min, naming the variable", () => {
    for (const bad of ["0", "-1", "1.5", "ten", "1e400", "0x"]) {
      process.env[name] = bad;
      expect(read, bad).toThrow(new TypeError(`${name} must be a positive integer (got ${JSON.stringify(bad)})`));
    }
  });
});
