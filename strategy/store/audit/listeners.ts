import type { AuditEntry } from "../ports.js";

/**
 * The audit log's in-process subscribers (notifications). A listener that throws must not
 * undo or fail the change it is told about: the change has already been made and recorded.
 */
export class AuditListeners {
  private readonly listeners = new Set<(entry: AuditEntry) => void>();

  constructor(private readonly log: (error: unknown) => void = (error) => console.error("audit listener failed:", error)) {}

  add(listener: (entry: AuditEntry) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  notify(entry: AuditEntry): void {
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch (error) {
        this.log(error);
      }
    }
  }
}

/** The action filter's meaning on every store: an exact action, or every action under a prefix ending in ".". */
export function actionMatches(filter: string, action: string): boolean {
  return filter.endsWith(".") ? action.startsWith(filter) : action === filter;
}
