import { useEffect, useId, useState } from "react";
import { listUsers } from "../api/lists";

/** A username field that suggests existing users as you type (a datalist fed by the users API); applied on change or Enter. */
export function UserPicker(props: { value: string; onChange: (username: string) => void }) {
  const [text, setText] = useState(props.value);
  const [names, setNames] = useState<string[]>([]);
  const listId = useId();
  useEffect(() => setText(props.value), [props.value]);
  useEffect(() => {
    const controller = new AbortController();
    listUsers({ q: text || undefined, limit: 20 }, controller.signal)
      .then((page) => setNames(page.items.map((u) => u.username)))
      .catch(() => {});
    return () => controller.abort();
  }, [text]);
  const commit = () => {
    if (text.trim() !== props.value) props.onChange(text.trim());
  };
  return (
    <label className="inline-field">
      <span>User</span>
      <input
        list={listId}
        value={text}
        placeholder="anyone"
        autoCapitalize="off"
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          if (names.includes(e.target.value)) props.onChange(e.target.value);
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
        }}
      />
      <datalist id={listId}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </label>
  );
}
