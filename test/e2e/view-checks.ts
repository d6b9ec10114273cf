// What every screen of the console must hold, at every size and colour scheme: nothing wider
// than the window, every action fully visible where the user is, and no axe-core violation.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** The sizes people use: a laptop and a phone. */
export const viewports = [
  { name: "1280x800", width: 1280, height: 800 },
  { name: "390x844", width: 390, height: 844 },
] as const;
export const colorSchemes = ["light", "dark"] as const;

/** The few DOM members the checks read in the page (the tests compile without the DOM library). */
interface PageElement {
  tagName: string;
  className: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  parentElement: PageElement | null;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  ownerDocument: {
    documentElement: PageElement;
    body: PageElement;
    defaultView: { getComputedStyle(element: PageElement): { visibility: string; overflowX: string } };
  };
}

/** Nothing wider than the window; a failure names the outermost elements that stick out. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const wide = await page.locator("html").evaluate((html: PageElement) => {
    const width = html.clientWidth;
    if (html.scrollWidth <= width) return [];
    const out: string[] = [];
    for (const el of html.ownerDocument.body.querySelectorAll("*")) {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement!.getBoundingClientRect().right;
      if (right > width + 0.5 && parent <= width + 0.5 && out.length < 8) {
        out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(right)}: ${(el.textContent ?? "").slice(0, 60)}`);
      }
    }
    return [`the page is ${html.scrollWidth}px wide in a ${width}px window`, ...out];
  });
  expect(wide, "the page scrolls sideways").toEqual([]);
}

/**
 * Every visible button (and button-styled link) inside `scope`, at the scroll position the page
 * has: fully inside the window's width, not cut by an ancestor that clips or scrolls its
 * content (a table cell, a scrolling table), and its own label not cut short.
 */
export async function expectActionsInView(page: Page, scope = "body"): Promise<void> {
  const cut = await page.locator(scope).evaluate((root: PageElement) => {
    const problems: string[] = [];
    const html = root.ownerDocument.documentElement;
    const style = (el: PageElement) => root.ownerDocument.defaultView.getComputedStyle(el);
    const width = html.clientWidth;
    for (const el of root.querySelectorAll("button, a.button, [role=button], input[type=submit]")) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style(el).visibility === "hidden") continue;
      const name = `${el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName} [${Math.round(box.left)}–${Math.round(box.right)}]`;
      if (box.left < -0.5 || box.right > width + 0.5) problems.push(`${name}: outside the window (0–${width})`);
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name}: its label is cut (${el.scrollWidth} > ${el.clientWidth})`);
      for (let up = el.parentElement; up && up !== html; up = up.parentElement) {
        if (style(up).overflowX === "visible") continue;
        const clip = up.getBoundingClientRect();
        if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5) {
          problems.push(`${name}: cut by <${up.tagName.toLowerCase()} class="${up.className}"> [${Math.round(clip.left)}–${Math.round(clip.right)}]`);
          break;
        }
      }
    }
    return problems;
  });
  expect(cut, "actions cut off or outside the window").toEqual([]);
}

/** axe-core on `scope` (the whole page, or an open dialog), WCAG 2.x A and AA and best practice. */
export async function expectNoAxeViolations(page: Page, scope?: string): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]);
  if (scope) builder = builder.include(scope);
  const { violations } = await builder.analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")}: ${v.nodes[0]?.failureSummary ?? ""}`,
  );
  expect(found, "axe-core violations").toEqual([]);
}
