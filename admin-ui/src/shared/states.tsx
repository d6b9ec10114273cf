import type { ReactNode } from "react";
import { useContext } from "react";
import { ApiError } from "../api/client";
import { SessionContext } from "../session/SessionContext";
import { SessionEnded } from "../session/SessionEnded";

export function Loading(props: { label?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {props.label ?? "Loading…"}
    </div>
  );
}

export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <p className="state-title">{props.title}</p>
      {props.children}
    </div>
  );
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorBox(props: { error: unknown; retry?: () => void; title?: string }) {
  const code = props.error instanceof ApiError ? props.error.code : null;
  return (
    <div className="state error" role="alert">
      <p className="state-title">{props.title ?? "Something went wrong"}</p>
      <p>
        {describeError(props.error)}
        {code ? <code className="error-code">{code}</code> : null}
      </p>
      {props.retry ? (
        <button type="button" className="button" onClick={props.retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** An inline form error under a dialog or field. */
export function FormError(props: { error: unknown }) {
  const session = useContext(SessionContext);
  if (!props.error) return null;
  // The session ended under a dialog: say how to continue, inside it (the page behind is inert).
  if (props.error instanceof ApiError && props.error.signedOut && session?.ended) return <SessionEnded compact />;
  const code = props.error instanceof ApiError ? props.error.code : null;
  return (
    <p className="form-error" role="alert">
      {describeError(props.error)}
      {code ? <code className="error-code">{code}</code> : null}
    </p>
  );
}
