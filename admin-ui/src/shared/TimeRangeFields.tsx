import { isoToLocalDateTime, localDateTimeToIso } from "./format";

/** From/To filter fields: local date-times in the inputs, ISO instants in the filters. */
export function TimeRangeFields<F extends { from: string; to: string }>(props: { draft: F; setDraft: (update: (d: F) => F) => void }) {
  const field = (name: "from" | "to", label: string) => (
    <label className="field">
      <span className="label">{label}</span>
      <input
        type="datetime-local"
        value={isoToLocalDateTime(props.draft[name])}
        onChange={(e) => props.setDraft((d) => ({ ...d, [name]: localDateTimeToIso(e.target.value) ?? "" }))}
      />
    </label>
  );
  return (
    <>
      {field("from", "From")}
      {field("to", "To")}
    </>
  );
}
