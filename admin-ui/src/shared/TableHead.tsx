/** A column heading; "num" ones are right-aligned like their cells. */
type Column = string | { label: string; num: true };

/** A list table's caption (for screen readers) and headings, with the unlabelled actions column last. */
export function TableHead(props: { caption: string; columns: Column[] }) {
  return (
    <>
      <caption className="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((c) =>
            typeof c === "string" ? (
              <th scope="col" key={c}>
                {c}
              </th>
            ) : (
              <th scope="col" className="num" key={c.label}>
                {c.label}
              </th>
            ),
          )}
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
    </>
  );
}
