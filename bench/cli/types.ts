// What the CLI phase hands to the report.
export interface CliRow {
  db: "sqlite" | "postgresql";
  rounds: number;
  /** Median of per-round (keys list time / authorized-keys time). */
  ratio?: number;
  note?: string;
}

export interface CliSection {
  rows: CliRow[];
  notes: string[];
}
