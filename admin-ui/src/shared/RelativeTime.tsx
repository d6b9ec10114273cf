import { formatExact, formatRelative } from "./format";
import { useNow } from "./useNow";

/** "5 minutes ago", with the exact time (and optional extra lines) in the tooltip. */
export function RelativeTime(props: { at: string; extra?: string[]; className?: string }) {
  const now = useNow();
  const title = [formatExact(props.at), ...(props.extra ?? [])].join("\n");
  return (
    <time dateTime={props.at} title={title} className={props.className}>
      {formatRelative(props.at, now)}
    </time>
  );
}
