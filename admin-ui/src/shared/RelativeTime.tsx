import { formatExact, formatRelative } from "./format";
import { useNow } from "./useNow";

/**
 * "5 minutes ago", with the exact time (and optional extra lines) in the tooltip. `disclose`
 * (table cells): the relative time opens to the exact one, by keyboard and touch too, where a
 * tooltip needs a mouse.
 */
export function RelativeTime(props: { at: string; extra?: string[]; className?: string; disclose?: boolean }) {
  const now = useNow();
  const lines = [formatExact(props.at), ...(props.extra ?? [])];
  const time = (
    <time dateTime={props.at} title={lines.join("\n")} className={props.className}>
      {formatRelative(props.at, now)}
    </time>
  );
  if (!props.disclose) return time;
  return (
    <details className="time-disclosure">
      <summary>{time}</summary>
      {lines.map((line) => (
        <span key={line} className="exact">
          {line}
        </span>
      ))}
    </details>
  );
}
