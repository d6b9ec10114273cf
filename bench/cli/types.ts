// What the CLI phase hands to the report.
export interface CliRow {
  db: "sqlite" | "postgresql";
  rounds: number;
  /** Median of per-round (keys list time / authorized-keys time). */
  ratio?: number;
  note?: string;
}

/** Issue 19: one command's whole-process time over `node -e 0`'s, in paired rounds. */
export interface CliStartRow {
  /** "commander-floor": context, no target — commander alone parsing token jwt's arguments. */
  id: "token-jwt" | "users-list" | "authorized-keys" | "commander-floor";
  command: string;
  /** "none": the command reads no database. */
  db: "none" | "sqlite" | "postgresql";
  rounds: number;
  /** Median of per-round (command time / `node -e 0` time). */
  ratio?: number;
  /** The smallest and largest per-round ratio. */
  min?: number;
  max?: number;
  /** Medians of the two, in ms. */
  commandMs?: number;
  nodeMs?: number;
  note?: string;
}

export interface CliSection {
  rows: CliRow[];
  /** Absent in results written before issue 19's rows. */
  starts?: CliStartRow[];
  notes: string[];
}
