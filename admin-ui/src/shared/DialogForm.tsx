import type { ComponentProps, ReactNode } from "react";
import { DialogActions } from "./DialogActions";
import { FormError } from "./states";

/**
 * A dialog's form: its fields, then the action's error and the actions. Submitting (Enter in a
 * field, or the action button) runs `onSubmit` instead of navigating.
 */
export function DialogForm(props: {
  onSubmit: () => void;
  error: unknown;
  actions: Omit<ComponentProps<typeof DialogActions>, "onConfirm">;
  children: ReactNode;
}) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
      <FormError error={props.error} />
      <DialogActions {...props.actions} />
    </form>
  );
}
