import { z } from "zod";

// Option values zod cannot describe by shape: they are passed through as given (never cloned),
// only their kind is checked.

export const functionOption = z.custom<(...args: never[]) => unknown>((value) => typeof value === "function", "must be a function");

/** An object checked by the function it is handed to (createCrtauthRouter, createAdminRouter): only its kind here. */
export const delegatedObject = z.custom<object>((value) => typeof value === "object" && value !== null && !Array.isArray(value), "must be an object");

/** A store, a promise of one, or a function that opens one. */
export const storeOption = z.custom<object>(
  (value) => (typeof value === "object" && value !== null) || typeof value === "function",
  "must be a store, a promise of one, or a function that opens one",
);

export const positiveInteger = z.number().int().positive();
export const positiveNumber = z.number().positive();
