/**
 * Cancel and the dialog's action. `onConfirm` makes the action a plain button (a confirmation,
 * with focus on Cancel); without it the action submits the dialog's form.
 */
export function DialogActions(props: {
  onCancel: () => void;
  busy: boolean;
  label: string;
  busyLabel: string;
  tone: "primary" | "danger";
  disabled?: boolean | undefined;
  onConfirm?: (() => void) | undefined;
}) {
  const confirm = props.onConfirm !== undefined;
  return (
    <div className="dialog-actions">
      <button type="button" className="button" onClick={props.onCancel} disabled={props.busy} data-autofocus={confirm ? true : undefined}>
        Cancel
      </button>
      <button
        type={confirm ? "button" : "submit"}
        className={`button ${props.tone}`}
        disabled={props.busy || props.disabled === true}
        onClick={props.onConfirm}
      >
        {props.busy ? props.busyLabel : props.label}
      </button>
    </div>
  );
}
