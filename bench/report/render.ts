// Re-renders latest.md and latest.svg from a results JSON (default bench/results/latest.json),
// e.g. after changing the report layout: `npx tsx bench/report/render.ts [file.json]`.
import fs from "node:fs";
import path from "node:path";
import { renderMarkdown } from "./markdown.js";
import { renderSvg } from "./svg.js";
import type { BenchResults } from "./types.js";

const dir = path.resolve(import.meta.dirname, "../results");
const file = process.argv[2] ?? path.join(dir, "latest.json");
const results = JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
const markdown = renderMarkdown(results);
fs.writeFileSync(path.join(dir, "latest.md"), markdown);
fs.writeFileSync(path.join(dir, "latest.svg"), renderSvg(results));
process.stdout.write(`${markdown}\n`);
