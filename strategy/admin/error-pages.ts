import type { Request, Response } from "express";
import type { AdminAnswerCode } from "./errors.js";
import { html, type ConsolePages, type SafeHtml } from "./html-page.js";

/** The commands that print a fresh sign-in link; the console's sign-in page shows them with its URL filled in. */
const newLinkSteps = html`<p>Ask for a new link:</p>
  <ul>
    <li>on the server host: <code>passport-sshkey console-link YOUR_NAME</code></li>
    <li>with a key you registered: <code>passport-sshkey login</code> (the <a href="./">sign-in page</a> shows the full command)</li>
  </ul>`;

const openLinkAgain = html`<p>Open the sign-in link again and press <strong>Sign in</strong> on its page.</p>`;

/** Title and next step for the codes a browser can meet while signing in; others get their message. */
const pages: Partial<Record<AdminAnswerCode, (detail: Record<string, unknown>) => { title: string; body: SafeHtml }>> = {
  link_used: () => ({
    title: "This sign-in link has already been used",
    body: html`<p class="lead">Each link signs in once.</p>
      ${newLinkSteps}`,
  }),
  link_expired: () => ({
    title: "This sign-in link has expired",
    body: html`<p class="lead">Links last five minutes.</p>
      ${newLinkSteps}`,
  }),
  link_invalid: () => ({
    title: "This sign-in link is not valid",
    body: html`<p class="lead">Check that the whole link was copied: it ends in 43 letters, digits, <code>-</code> and <code>_</code>.</p>
      ${newLinkSteps}`,
  }),
  rate_limited: (detail) => ({
    title: "Too many sign-in attempts",
    body: html`<p class="lead">Wait ${String(detail.retryAfter ?? 60)} seconds, then reload this page.</p>`,
  }),
  user_disabled: () => ({ title: "This user is disabled", body: html`<p class="lead">Ask an administrator of this console to enable it.</p>` }),
  csrf_failed: () => ({ title: "The sign-in could not be confirmed", body: openLinkAgain }),
  cross_origin: () => ({
    title: "The sign-in could not be confirmed",
    body: html`<p class="lead">The request came from another site.</p>
      ${openLinkAgain}`,
  }),
  session_expired: () => ({ title: "Your session has expired", body: newLinkSteps }),
  unauthenticated: () => ({ title: "Sign in to the console first", body: newLinkSteps }),
};

/** A refusal as a page in the console's look, with what to do next and a way back. */
export function sendErrorPage(
  pagesOut: ConsolePages,
  req: Request,
  res: Response,
  error: { status: number; code: AdminAnswerCode; message: string; detail?: Record<string, unknown> | undefined },
): void {
  const known = pages[error.code]?.(error.detail ?? {});
  const page = known ?? { title: "Something went wrong", body: html`<p class="lead">${error.message}</p>` };
  const body = html`${page.body}
    <p class="muted small">Error code <code class="error-code">${error.code}</code> · <a href="./">Go to the console</a></p>`;
  pagesOut.send(req, res, error.status, { title: page.title, body });
}
