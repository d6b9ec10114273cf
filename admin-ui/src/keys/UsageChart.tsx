import type { KeyUsageDay } from "../api/contract";

const barWidth = 10;
const gap = 2;
const height = 64;

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "Mar 17" for a YYYY-MM-DD UTC day. */
function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

/**
 * A key's sign-ins per UTC day as stacked bars (successes below, refusals after its signature
 * verified on top), with a one-line summary and, for screen readers, the same numbers as a table.
 * The bars are scaled to the busiest day; colours come from the theme, so dark mode follows.
 */
export function UsageChart(props: { usage: readonly KeyUsageDay[] }) {
  const days = props.usage;
  const successes = days.reduce((n, d) => n + d.successes, 0);
  const failures = days.reduce((n, d) => n + d.failures, 0);
  const busiest = Math.max(1, ...days.map((d) => d.successes + d.failures));
  const scale = (n: number) => (n === 0 ? 0 : Math.max(2, Math.round((n / busiest) * height)));
  const width = days.length * (barWidth + gap) - gap;
  const summary = `${plural(successes, "successful sign-in", "successful sign-ins")} and ${plural(failures, "refusal", "refusals")} in the last ${days.length} days`;
  const first = days[0];
  const last = days[days.length - 1];

  return (
    <figure className="usage-chart" data-testid="usage-chart">
      <figcaption data-testid="usage-summary">{summary}</figcaption>
      <svg viewBox={`0 0 ${Math.max(width, 1)} ${height}`} width="100%" height={height} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        {days.map((d, i) => {
          const ok = scale(d.successes);
          const refused = scale(d.failures);
          const x = i * (barWidth + gap);
          return (
            <g key={d.day}>
              <title>{`${dayLabel(d.day)}: ${d.successes} successful, ${d.failures} refused`}</title>
              <rect className="usage-day" x={x} y={0} width={barWidth} height={height} />
              {ok > 0 ? <rect className="usage-ok" x={x} y={height - ok} width={barWidth} height={ok} rx={1} /> : null}
              {refused > 0 ? <rect className="usage-refused" x={x} y={height - ok - refused} width={barWidth} height={refused} rx={1} /> : null}
            </g>
          );
        })}
        <line className="usage-axis" x1={0} x2={Math.max(width, 1)} y1={height - 0.5} y2={height - 0.5} />
      </svg>
      {first && last ? (
        <div className="usage-legend muted small" aria-hidden="true">
          <span>{dayLabel(first.day)}</span>
          <span>
            <span className="usage-swatch ok" /> successful <span className="usage-swatch refused" /> refused
          </span>
          <span>{dayLabel(last.day)}</span>
        </div>
      ) : null}
      <table className="sr-only">
        <caption>Sign-ins with this key per day (UTC), oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Successful</th>
            <th scope="col">Refused</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{d.successes}</td>
              <td>{d.failures}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
