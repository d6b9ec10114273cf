// What the revocation phase hands to the report (re-exported by run.ts).
export interface RevocationRow {
  deployment: string;
  /** Samples that ended in a refusal (timed-out samples are counted in `note`). */
  samples: number;
  medianMs?: number;
  maxMs?: number;
  note?: string;
}

export interface RevocationSection {
  rows: RevocationRow[];
  notes: string[];
}
