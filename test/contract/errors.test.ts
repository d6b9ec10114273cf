// The one admin error table: every code has one status, and the error class, the handler and
// a refused console sign-in all answer with it.
import { describe, expect, it } from "vitest";
import { AdminError, adminStatusOf } from "../../strategy/admin/errors.js";
import { adminErrorDetail, adminErrors, isAdminErrorCode, type AdminErrorCode } from "../../strategy/contract/index.js";
import { authErrorCodes } from "../../strategy/errors.js";
import { statusForCode } from "../../strategy/http/error-response.js";

describe("adminErrors", () => {
  it("gives every code an HTTP error status", () => {
    for (const [code, status] of Object.entries(adminErrors)) {
      expect(Number.isInteger(status) && status >= 400 && status < 600, code).toBe(true);
    }
  });

  it("is the status of every AdminError", () => {
    for (const code of Object.keys(adminErrors) as AdminErrorCode[]) {
      const error = new (AdminError as new (code: string, message: string) => AdminError)(code, "m");
      expect([error.code, error.status]).toEqual([code, adminErrors[code]]);
    }
  });

  it("answers a disabled user with 403 wherever it is refused, the console sign-in included", () => {
    expect(adminErrors.user_disabled).toBe(403);
    expect(statusForCode("user_disabled")).toBe(401);
    expect(adminStatusOf("user_disabled")).toBe(403);
  });

  it("leaves the strategy's status for the sign-in refusals it does not name", () => {
    for (const code of authErrorCodes.filter((c) => !isAdminErrorCode(c))) expect(adminStatusOf(code), code).toBe(statusForCode(code));
  });

  it("describes detail only for codes in the table", () => {
    for (const code of Object.keys(adminErrorDetail)) expect(isAdminErrorCode(code), code).toBe(true);
    expect(new AdminError("rate_limited", "wait", { retryAfter: 3 }).detail).toEqual({ retryAfter: 3 });
    expect(isAdminErrorCode("toString")).toBe(false);
  });
});
