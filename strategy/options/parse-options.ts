import type { z } from "zod";

/**
 * Validates an options object once, at construction, against a schema built from
 * z.strictObject at every depth. A misspelt or misplaced key, a value of the wrong type
 * or out of range throws a TypeError naming the full path of the first bad key, e.g.
 * `SshKeyStrategy: unknown option "jwt.tolerance"` or
 * `SshKeyStrategy: option "jwt.clockToleranceSeconds": expected a number, got NaN`.
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new TypeError(`${where}: ${describeIssue(result.error.issues[0])}`);
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === "number" ? `[${part}]` : String(part)))
    .join(".")
    .replace(/\.\[/g, "[");
}

/**
 * For a value that fits no branch of a union (`failureThrottle: { … } | false`), the issue
 * of the branch it came closest to: the one that got past the type check, so a misspelt key
 * inside an object branch is named rather than "invalid input".
 */
function closestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union") return issue;
  const branch = issue.errors.find(
    (issues) => issues.length > 0 && !(issues[0]!.code === "invalid_type" && issues[0]!.path.length === 0) && issues[0]!.code !== "invalid_value",
  );
  if (!branch) return issue;
  const inner = branch[0]!;
  return closestIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
}

function describeIssue(found: z.core.$ZodIssue | undefined): string {
  if (!found) return "invalid options";
  const issue = closestIssue(found);
  if (issue.code === "unrecognized_keys") {
    const names = issue.keys.map((key) => JSON.stringify(pathOf([...issue.path, key])));
    return `unknown option${names.length > 1 ? "s" : ""} ${names.join(", ")}`;
  }
  if (issue.path.length === 0) return `options ${issue.message}`;
  return `option ${JSON.stringify(pathOf(issue.path))}: ${issue.message}`;
}
