import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOptions } from "../../strategy/options/parse-options.js";

const schema = z.strictObject({
  name: z.string().optional(),
  jwt: z.strictObject({ clockToleranceSeconds: z.number().int().min(0).optional() }).optional(),
  list: z.array(z.strictObject({ id: z.string() })).optional(),
});

describe("parseOptions", () => {
  it("returns the parsed value and treats undefined as {}", () => {
    expect(parseOptions(schema, { jwt: { clockToleranceSeconds: 5 } }, "Thing")).toEqual({ jwt: { clockToleranceSeconds: 5 } });
    expect(parseOptions(schema, undefined, "Thing")).toEqual({});
  });

  it("names an unknown key at any depth", () => {
    expect(() => parseOptions(schema, { jwt: { tolerance: 5 } }, "Thing")).toThrow(new TypeError('Thing: unknown option "jwt.tolerance"'));
    expect(() => parseOptions(schema, { nmae: "x" }, "Thing")).toThrow(new TypeError('Thing: unknown option "nmae"'));
    expect(() => parseOptions(schema, { list: [{ id: "a", extra: 1 }] }, "Thing")).toThrow('unknown option "list[0].extra"');
  });

  it("names a bad value by its path", () => {
    expect(() => parseOptions(schema, { jwt: { clockToleranceSeconds: Number.NaN } }, "Thing")).toThrow(/^Thing: option "jwt\.clockToleranceSeconds": /);
    expect(() => parseOptions(schema, { jwt: { clockToleranceSeconds: -1 } }, "Thing")).toThrow(TypeError);
  });

  it("refuses a non-object", () => {
    expect(() => parseOptions(schema, "nope", "Thing")).toThrow(/^Thing: options /);
  });
});
