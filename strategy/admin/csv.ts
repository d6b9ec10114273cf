import type { Response } from "express";

/** Cells a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, and tab or CR before them. */
const formulaStart = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a would-be formula gets a leading '. */
function csvCell(value: string | number | Date | null): string {
  if (value === null) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(cells: readonly (string | number | Date | null)[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

type Cells = (string | number | Date | null)[];

/**
 * Streams a CSV download: the header row, then every row `pages` yields (the caller pages
 * through the store, so an export of any size is never held in memory at once). The first
 * page is read before anything is sent, so a refused filter is still a JSON error.
 */
export async function sendCsv(res: Response, filename: string, header: readonly string[], pages: AsyncIterable<Cells[]>): Promise<void> {
  const iterator = pages[Symbol.asyncIterator]();
  let next = await iterator.next();
  res.status(200);
  res.set("Content-Type", "text/csv; charset=utf-8");
  res.set("Content-Disposition", `attachment; filename="${filename}"`);
  res.set("Cache-Control", "no-store");
  res.write(csvRow(header));
  while (!next.done) {
    res.write(next.value.map(csvRow).join(""));
    next = await iterator.next();
  }
  res.end();
}
