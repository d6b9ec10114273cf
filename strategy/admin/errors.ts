import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import { AuditWriteError } from "../audit/recorder.js";
import { adminErrors, isAdminErrorCode, type AdminErrorCode, type AdminErrorDetail } from "../contract/errors.js";
import { SshKeyError, type AuthErrorCode } from "../errors.js";
import { answerStoreFault } from "../http/error-handler.js";
import { statusForCode } from "../http/error-response.js";
import { DirectoryError } from "../store/index.js";
import { sendErrorPage } from "./error-pages.js";
import { wantsHtml, type ConsolePages } from "./html-page.js";

/** A code the admin API answers with: its own, or the strategy's for a refused console sign-in. */
export type AdminAnswerCode = AdminErrorCode | AuthErrorCode;

type DetailArgs<Code extends AdminAnswerCode> = [AdminErrorDetail<Code>] extends [never]
  ? []
  : Partial<AdminErrorDetail<Code>> extends AdminErrorDetail<Code>
    ? [detail?: AdminErrorDetail<Code>]
    : [detail: AdminErrorDetail<Code>];

/**
 * The HTTP status of a code: the admin table's, else (a sign-in the strategy refused) the
 * strategy's own table. The admin table wins where both name a code (user_disabled is 403 here).
 */
export function adminStatusOf(code: AdminAnswerCode): number {
  return isAdminErrorCode(code) ? adminErrors[code] : statusForCode(code);
}

/** A refusal by code; the status comes from the table, the handler answers `{"error":{code,message,…detail}}`. */
export class AdminError<Code extends AdminAnswerCode = AdminAnswerCode> extends SshKeyError<Code, AdminErrorDetail<Code>> {
  override readonly name = "AdminError";
  readonly status: number;
  constructor(code: Code, message: string, ...[detail]: DetailArgs<Code>) {
    super(code, message, { detail: detail as AdminErrorDetail<Code> | undefined });
    this.status = adminStatusOf(code);
  }
}

/** The admin code for each refusal of the key directory. */
const directoryErrorCodes: Record<DirectoryError["code"], AdminErrorCode> = {
  not_found: "not_found",
  conflict: "conflict",
  too_many_keys: "too_many_keys",
  confusable: "username_confusable",
  invalid: "invalid_request",
  key_policy: "breaks_key_policy",
};

function describeZod(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid request";
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `${where}: ${issue.message}`.slice(0, 300);
}

/** JSON errors for everything under the admin router (a page in the console's look when a browser navigated there); never a 500 for bad input, never a stack to the client. */
export function adminErrorHandler(log: (error: unknown) => void, pages?: ConsolePages): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const answer = (status: number, code: AdminAnswerCode, message: string, detail?: Record<string, unknown>) => {
      if (pages && wantsHtml(req)) return sendErrorPage(pages, req, res, { status, code, message, detail });
      res.status(status).json({ error: { code, message, ...detail } });
    };
    const answerCode = (code: AdminErrorCode, message: string) => answer(adminErrors[code], code, message);
    if (error instanceof AdminError) return answer(error.status, error.code, error.message, error.detail as Record<string, unknown> | undefined);
    if (error instanceof ZodError) return answerCode("invalid_request", describeZod(error));
    if (error instanceof AuditWriteError) {
      // Never silent: the operator's log gets the entry the audit log lost, the caller a refusal that says the change stands.
      log(error);
      return answerCode("audit_unrecorded", `${error.message}; the server logged it`);
    }
    if (error instanceof DirectoryError) return answerCode(directoryErrorCodes[error.code] ?? "invalid_request", error.message);
    if (answerStoreFault(error, res)) return;
    // body-parser errors carry a status and a type.
    const status = typeof error?.status === "number" ? error.status : typeof error?.statusCode === "number" ? error.statusCode : 500;
    if (status === 413) return answerCode("body_too_large", "the request body is too large");
    if (status === 404) return answerCode("not_found", "no such file");
    if (status >= 400 && status < 500) {
      if (error?.type === "entity.parse.failed") return answerCode("malformed_json", "the request body is not valid JSON");
      return answerCode("invalid_body", "the request body cannot be read");
    }
    log(error);
    answerCode("internal_error", "internal error");
  };
}
