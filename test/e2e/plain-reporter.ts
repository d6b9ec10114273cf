// CI reads a plain "N passed, N failed" line; Playwright's own summary is not in that form.
import type { Reporter, TestCase, TestResult } from "@playwright/test/reporter";

export default class PlainReporter implements Reporter {
  private readonly outcomes = new Map<string, string>();

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.outcomes.set(test.id, test.outcome());
  }

  onEnd(): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const outcome of this.outcomes.values()) {
      if (outcome === "expected" || outcome === "flaky") passed++;
      else if (outcome === "skipped") skipped++;
      else failed++;
    }
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
