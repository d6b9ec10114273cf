/** A README `# → …` line as a pattern: the text exactly, with each `…` standing for anything. */
export function expectedLine(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}
