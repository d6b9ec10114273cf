import type { ReactNode } from "react";

/** A list page's heading, the line under it, and its main action on the right. */
export function PageHead(props: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h1>{props.title}</h1>
        <p className="muted">{props.description}</p>
      </div>
      {props.children}
    </div>
  );
}
