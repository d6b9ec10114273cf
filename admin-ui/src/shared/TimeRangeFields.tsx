import { isoToLocalDateTime, localDateTimeToIso } from "./format";

/** Whether the range cannot match anything: From at or after To (the API refuses it with a 400 too). */
export function badTimeRange(range: { from: string; to: string }): boolean {
  return Boolean(range.from && range.to && Date.parse(range.from) >= Date.parse(range.to));
}

/** From/To filter fields: local date-times in the inputs, ISO instants in the filters; says so when From is not before To. */
export function TimeRangeFields<F extends { from: string; to: string }>(props: { draft: F; setDraft: (update: (d: F) => F) => void }) {
  const bad = badTimeRange(props.draft);
  const field = (name: "from" | "to", label: string) => (
    <label className="field">
      <span className="label">{label}</span>
      <input
        type="datetime-local"
        value={isoToLocalDateTime(props.draft[name])}
        aria-invalid={(name === "to" && bad) || undefined}
        aria-describedby={name === "to" && bad ? "range-error" : undefined}
        onChange={(e) => props.setDraft((d) => ({ ...d, [name]: localDateTimeToIso(e.target.value) ?? "" }))}
      />
    </label>
  );
  return (
    <>
      {field("from", "From")}
      {field("to", "To")}
      {bad ? (
        <p className="field-error" id="range-error" role="alert">
          From must be before To.
        </p>
      ) : null}
    </>
  );
}
