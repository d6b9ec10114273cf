import fs from "node:fs";

export interface CodeBlock {
  section: string;
  lang: string;
  code: string;
}

/** Every fenced code block under the README's `## <section>` heading, in order. */
export function readmeBlocks(readmePath: string, section: string): CodeBlock[] {
  const text = fs.readFileSync(readmePath, "utf8");
  const start = text.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README has no "## ${section}" section`);
  const next = text.indexOf("\n## ", start + 1);
  const body = text.slice(start, next < 0 ? undefined : next);
  const blocks: CodeBlock[] = [];
  for (const match of body.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ section, lang: match[1] ?? "", code: match[2] ?? "" });
  }
  return blocks;
}

/**
 * TypeScript blocks as files: a block whose first line is `// name.ts` starts that file,
 * any other block continues the previous file (the README says "added to the server above").
 */
export function typescriptFiles(blocks: readonly CodeBlock[]): Map<string, string> {
  const files = new Map<string, string>();
  let current: string | null = null;
  for (const block of blocks.filter((b) => b.lang === "ts")) {
    const name = /^\/\/ ([\w-]+\.ts)\n/.exec(block.code)?.[1];
    if (name) {
      if (files.has(name)) throw new Error(`README: two blocks start ${name}`);
      current = name;
      files.set(name, block.code);
    } else {
      if (!current) throw new Error(`README section "${block.section}": a ts block continues no file:\n${block.code}`);
      files.set(current, `${files.get(current)}\n${block.code}`);
    }
  }
  return files;
}

/** The command lines of the shell blocks (comments stripped, one command per line). */
export function shellCommands(blocks: readonly CodeBlock[]): string[] {
  return blocks
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.code.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** A README `# → …` output line as a pattern: `…` stands for anything, the rest is literal. */
export function outputPattern(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}
