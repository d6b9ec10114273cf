import { useEffect, useState, type ReactNode } from "react";

/**
 * A list's search box, and its other filters as children: the text stays local until
 * submitted, and follows `value` when the URL changes it.
 */
export function SearchToolbar(props: {
  id: string;
  label: string;
  value: string;
  placeholder: string;
  onSearch: (text: string) => void;
  children?: ReactNode;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <div className="toolbar" role="search">
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
      {props.children}
    </div>
  );
}
