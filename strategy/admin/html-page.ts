import fs from "node:fs";
import path from "node:path";
import type { Request, Response } from "express";
import { baseOf } from "./context.js";

// The console's own scripts and styles only; API calls go to the same origin.
export const uiCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const htmlEscapes: Record<string, string> = { "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&"<>']/g, (c) => htmlEscapes[c]!);
}

/** Markup that is already safe: what `html` builds. */
export class SafeHtml {
  constructor(readonly text: string) {}
}

type Part = SafeHtml | string | number | readonly (SafeHtml | string)[];

function render(part: Part): string {
  if (part instanceof SafeHtml) return part.text;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

/** A template whose interpolations are escaped, unless they are SafeHtml themselves. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, text, i) => out + text + (i < parts.length ? render(parts[i]!) : ""), ""));
}

/**
 * Server-rendered pages in the console's look (the sign-in link page and the error pages a
 * browser reaches by navigation): the built console's stylesheet and its sign-in card, no
 * script at all, under the console's strict CSP.
 */
export class ConsolePages {
  private stylesheets: string | null = null;

  constructor(private readonly uiDir: string | false) {}

  /** The built console's <link rel="stylesheet"> tags (relative to its <base href>); none when it is not built. */
  private styles(): string {
    if (this.stylesheets !== null || this.uiDir === false) return this.stylesheets ?? "";
    try {
      const index = fs.readFileSync(path.join(this.uiDir, "index.html"), "utf8");
      this.stylesheets = (index.match(/<link\b[^>]*\brel="stylesheet"[^>]*>/gi) ?? []).join("\n    ");
    } catch {
      return "";
    }
    return this.stylesheets;
  }

  send(req: Request, res: Response, status: number, page: { title: string; body: SafeHtml }): void {
    const base = `${baseOf(req)}/`;
    const document = html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="referrer" content="no-referrer" />
          <base href="${base}" />
          <title>${page.title} · SSH key console</title>
          ${new SafeHtml(this.styles())}
        </head>
        <body>
          <main class="signed-out" id="main">
            <div class="signin-card">
              <h1>${page.title}</h1>
              ${page.body}
            </div>
          </main>
        </body>
      </html> `;
    res.status(status).type("html");
    res.set("Cache-Control", "no-store").set("Content-Security-Policy", uiCsp).set("Referrer-Policy", "no-referrer").set("X-Frame-Options", "DENY");
    res.send(document.text);
  }
}

/** A browser's navigation (Accept prefers HTML), not an API client (JSON, or any type at all). */
export function wantsHtml(req: Request): boolean {
  return req.accepts(["json", "html"]) === "html";
}
