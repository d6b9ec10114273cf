import type { Notice } from "../notice.js";
import type { MailMessage } from "./mailer.js";

const headline: Record<Notice["event"], (n: Notice) => string> = {
  "key.added": () => "A key was added to your account",
  "key.revoked": (n) => `Your key was revoked by ${n.actor ?? "an administrator"}`,
  "key.deleted": (n) => `Your key was deleted by ${n.actor ?? "an administrator"}`,
  "key.expiring": () => "Your key expires within a week",
  "key.expired": () => "Your key has expired",
  "key.counter_alarm": () => "Security key alarm: its signature counter went backwards",
  "auth.repeated_failures": () => "Repeated failed sign-ins to your account",
};

const advice: Record<Notice["event"], string> = {
  "key.added": "If this wasn't you, revoke the key in the console now and tell your administrator: someone else can sign in as you with it.",
  "key.revoked": "The key no longer signs in. If you still need access, add a new key; if you don't know why, ask your administrator.",
  "key.deleted": "The key no longer signs in. If you still need access, add a new key; if you don't know why, ask your administrator.",
  "key.expiring": "Add a new key (or ask an administrator to extend this one) before it expires, or sign-ins with it will be refused.",
  "key.expired": "Sign-ins with this key are refused now. Add a new key in the console.",
  "key.counter_alarm":
    "A counter that goes backwards can mean the security key was cloned. If you did not reset or replace it, revoke the key now and tell your administrator.",
  "auth.repeated_failures":
    "If these weren't you, someone may be trying to sign in as you: check your keys in the console, revoke any you don't recognise and tell your administrator.",
};

function lines(notice: Notice): string[] {
  const out = [`User: ${notice.owner.username}`];
  if (notice.key) {
    out.push(`Key: ${notice.key.comment || "(no comment)"}${notice.key.type ? ` (${notice.key.type})` : ""}`);
    out.push(`Fingerprint: ${notice.key.fingerprint}`);
  }
  out.push(`When: ${notice.at.toISOString()}`);
  if (notice.actor) out.push(`By: ${notice.actor}`);
  if (notice.ip) out.push(`From: ${notice.ip}`);
  for (const [name, value] of Object.entries(notice.detail ?? {})) if (value !== null) out.push(`${name}: ${value}`);
  return out;
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** The mail for a notice: what happened, to which key, when, from where, and what to do. */
export function noticeMail(notice: Notice, to: string[]): MailMessage {
  const title = headline[notice.event](notice);
  const facts = lines(notice);
  return {
    to,
    subject: `[passport-sshkey] ${title}`,
    text: [`${title}.`, "", ...facts, "", advice[notice.event], ""].join("\n"),
    html: `<p><strong>${escapeHtml(title)}.</strong></p><ul>${facts.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul><p>${escapeHtml(advice[notice.event])}</p>`,
  };
}
