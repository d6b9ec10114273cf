import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";

/** One notification mail: plain text always, HTML optionally. */
export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string | undefined;
}

/** Where notification mails go (I/O behind a port: SMTP in production, anything in a test). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface SmtpOptions {
  /** smtp://user:pass@host:port or smtps://… (nodemailer's connection URL), or its transport options. */
  url?: string | undefined;
  transport?: SMTPTransport.Options | undefined;
  /** The From: address, e.g. "Keys <keys@example.com>". */
  from: string;
}

/** A Mailer over nodemailer's SMTP transport; TLS settings as nodemailer takes them (`?secure=true`, `transport.tls`). */
export function smtpMailer(options: SmtpOptions): Mailer {
  if (!options.url && !options.transport) throw new TypeError("smtpMailer: give url (smtp://host:port) or transport options");
  // nodemailer is imported with the first mail: a process that never sends one does not load it.
  let transport: Promise<Transporter> | null = null;
  const open = () => (transport ??= import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport(options.url ?? options.transport!)));
  return {
    async send(message) {
      await (await open()).sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    close: () =>
      void transport?.then(
        (t) => t.close(),
        () => {},
      ),
  };
}

/** The mailer `serve` uses: SMTP_URL and SMTP_FROM from the environment; none without SMTP_URL. */
export function mailerFromEnvironment(env: NodeJS.ProcessEnv = process.env): Mailer | null {
  if (!env.SMTP_URL) return null;
  if (!env.SMTP_FROM) throw new TypeError("SMTP_URL is set but SMTP_FROM is not: give the From: address, e.g. SMTP_FROM='Keys <keys@example.com>'");
  return smtpMailer({ url: env.SMTP_URL, from: env.SMTP_FROM });
}
