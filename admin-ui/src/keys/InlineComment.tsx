import { useEffect, useRef, useState } from "react";
import { updateKey } from "../api/updateKey";
import type { Key } from "../api/contract";
import { Link } from "../shared/router";
import { describeError } from "../shared/states";

/** The key's name, editable in place: Enter saves, Esc cancels, focus returns to the pencil. */
export function InlineComment(props: { keyData: Key; onSaved: (key: Key) => void; heading?: boolean; detailPath?: string }) {
  const k = props.keyData;
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(k.comment);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (editing) input.current?.select();
    else if (returnFocus.current) {
      returnFocus.current = false;
      editButton.current?.focus();
    }
  }, [editing]);

  const cancel = () => {
    returnFocus.current = true;
    setEditing(false);
    setValue(k.comment);
    setError(null);
  };
  const save = async () => {
    const comment = value.trim();
    if (comment === k.comment) return cancel();
    setSaving(true);
    setError(null);
    try {
      const { key } = await updateKey(k.id, { comment });
      props.onSaved(key);
      returnFocus.current = true;
      setEditing(false);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  if (!editing) {
    const Tag = props.heading ? "h1" : "span";
    return (
      <span className="inline-comment">
        <Tag className={`comment-text ${k.comment ? "" : "muted"}`}>
          {props.detailPath ? (
            <Link to={props.detailPath} title="Show all details of this key">
              {k.comment || "(no name)"}
            </Link>
          ) : (
            k.comment || "(no name)"
          )}
        </Tag>
        {k.origin === "ldap" ? null : (
          <button
            ref={editButton}
            type="button"
            className="icon-button"
            aria-label={`Rename key ${k.comment || k.fingerprintSha256}`}
            title="Rename"
            onClick={() => {
              setValue(k.comment);
              setEditing(true);
            }}
          >
            <svg viewBox="0 0 16 16" aria-hidden="true" className="icon">
              <path d="M11.013 1.427a1.75 1.75 0 0 1 2.474 0l1.086 1.086a1.75 1.75 0 0 1 0 2.474l-8.61 8.61c-.21.21-.47.364-.756.445l-3.251.93a.75.75 0 0 1-.927-.928l.929-3.25c.081-.286.235-.547.445-.758l8.61-8.61Zm.176 4.823L9.75 4.81l-6.286 6.287a.253.253 0 0 0-.064.108l-.558 1.953 1.953-.558a.253.253 0 0 0 .108-.064Zm1.238-3.763a.25.25 0 0 0-.354 0L10.811 3.75l1.439 1.44 1.263-1.263a.25.25 0 0 0 0-.354Z" />
            </svg>
          </button>
        )}
      </span>
    );
  }
  return (
    <form
      className="inline-edit"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label className="sr-only" htmlFor={`comment-${k.id}`}>
        Key name
      </label>
      <input
        id={`comment-${k.id}`}
        ref={input}
        value={value}
        maxLength={200}
        disabled={saving}
        placeholder="e.g. work laptop"
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            cancel();
          }
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `comment-${k.id}-error` : undefined}
      />
      <button type="submit" className="button small primary" disabled={saving}>
        {saving ? "Saving…" : "Save"}
      </button>
      <button type="button" className="button small subtle" onClick={cancel} disabled={saving}>
        Cancel
      </button>
      {error ? (
        <span id={`comment-${k.id}-error`} className="form-error" role="alert">
          {describeError(error)}
        </span>
      ) : null}
    </form>
  );
}
