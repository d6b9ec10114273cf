/**
 * After an action removed the control that had focus (a Revoke button gone with the key's new
 * state, a deleted row), focus goes to the first action inside `container` (a row, the key's
 * header), else to the page's heading: never lost to <body>. Runs after React has committed.
 */
export function focusActionIn(container: () => Element | null): void {
  let tries = 0;
  const attempt = () => {
    const target =
      container()?.querySelector<HTMLElement>(".actions button:not(:disabled), .actions a[href]") ?? document.querySelector<HTMLElement>("main h1, main h2");
    if (target && !target.matches("button, a[href]") && !target.hasAttribute("tabindex")) target.tabIndex = -1;
    target?.focus();
    // Until the closing dialog's effect has run, the page behind it is inert and focus() does
    // nothing (the dialog then returns focus itself): try again on the next frame.
    if (target && document.activeElement !== target && ++tries < 20) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/** The key row `id` of a keys table. */
export function keyRowOf(id: string | undefined): () => Element | null {
  return () => (id ? document.querySelector(`tr[data-key-id="${CSS.escape(id)}"]`) : null);
}
