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
  /**
   * Context, no target: "commander-floor" is commander alone parsing token jwt's arguments;
   * "token-floor" adds reading a key and signing the JWT (the floor under token-jwt);
   * "driver-floor" is node, the driver and authorized-keys' one query (the floor under authorized-keys).
   */
  id: "token-jwt" | "users-list" | "authorized-keys" | "commander-floor" | "token-floor" | "driver-floor";
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
