import { useEffect, useState } from "react";

/** A list's search box: edits stay local until submitted, and follow `value` when the URL changes it. */
export function SearchForm(props: { id: string; label: string; value: string; placeholder: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <form
      className="search"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSearch(text.trim());
      }}
    >
      <label className="sr-only" htmlFor={props.id}>
        {props.label}
      </label>
      <input id={props.id} type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={props.placeholder} />
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}
