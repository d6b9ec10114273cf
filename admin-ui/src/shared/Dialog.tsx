import { useEffect, useId, useRef, type ReactNode } from "react";

const focusable = "a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled)";

/**
 * Where focus goes back to: the opener, or when the change removed it (a revoked key's Revoke
 * button, a deleted row) the nearest row still there, else the page's heading. Focus left on
 * a removed element falls to <body>, and a keyboard user starts over from the top.
 */
function returnFocus(opener: HTMLElement | null, rows: (Element | null | undefined)[]): void {
  if (opener && document.contains(opener)) return opener.focus();
  for (const row of rows) {
    const target = row && document.contains(row) ? row.querySelector<HTMLElement>(focusable) : null;
    if (target) return target.focus();
  }
  const heading = document.querySelector<HTMLElement>("main h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert and keeps Tab
 * inside; Esc closes; focus goes to the first field (or `[data-autofocus]`) and returns to the
 * element that opened it (see returnFocus).
 */
export function Dialog(props: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  /** While busy, Esc and the close button do nothing. */
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  const busy = useRef(props.busy);
  busy.current = props.busy;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const row = opener?.closest("tr, li");
    const rows = [row, row?.nextElementSibling, row?.previousElementSibling];
    if (!dialog.open) dialog.showModal();
    const preferred =
      dialog.querySelector<HTMLElement>("[data-autofocus]") ??
      dialog.querySelector<HTMLElement>(".dialog-body input:not([type=hidden]), .dialog-body textarea, .dialog-body select, .dialog-body button");
    preferred?.focus();
    return () => {
      const placed = document.activeElement;
      if (dialog.open) dialog.close();
      // The page has already put focus somewhere on purpose (a revoked key's next action): keep it.
      if (placed instanceof HTMLElement && placed !== document.body && !dialog.contains(placed) && document.contains(placed)) return;
      returnFocus(opener, rows);
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog ${props.wide ? "wide" : ""}`}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy.current) onClose.current();
      }}
      onMouseDown={(event) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (event.target === ref.current && !busy.current) {
          const box = ref.current.getBoundingClientRect();
          const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
          if (!inside) onClose.current();
        }
      }}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-button" aria-label="Close dialog" onClick={() => !busy.current && onClose.current()}>
          <svg viewBox="0 0 16 16" aria-hidden="true" className="icon">
            <path d="M3.72 3.72a.75.75 0 0 1 1.06 0L8 6.94l3.22-3.22a.75.75 0 1 1 1.06 1.06L9.06 8l3.22 3.22a.75.75 0 1 1-1.06 1.06L8 9.06l-3.22 3.22a.75.75 0 0 1-1.06-1.06L6.94 8 3.72 4.78a.75.75 0 0 1 0-1.06Z" />
          </svg>
        </button>
      </div>
      {props.description ? (
        <div id={descriptionId} className="dialog-description">
          {props.description}
        </div>
      ) : null}
      <div className="dialog-body">{props.children}</div>
    </dialog>
  );
}
