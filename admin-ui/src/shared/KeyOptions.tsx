import type { Key } from "../api/contract";

type Option = Key["options"][number];

function optionText(option: Option): string {
  return option.value === null ? option.name : `${option.name}="${option.value.replace(/"/g, '\\"')}"`;
}

/**
 * A key's authorized_keys options, each marked with where it holds: `from=` on HTTP sign-in
 * too, every other one in sshd only (the directory serves them in authorized-keys).
 */
export function KeyOptions(props: { options: readonly Option[]; compact?: boolean }) {
  if (props.options.length === 0) return null;
  if (props.compact) {
    const title = props.options.map((o) => `${optionText(o)} — ${o.enforcedOnHttp ? "enforced on HTTP sign-in" : "applies to sshd only"}`).join("\n");
    return (
      <span className="badge key-options-badge" title={title} data-testid="key-options">
        {props.options.length === 1 ? optionText(props.options[0]!) : `${props.options.length} options`}
      </span>
    );
  }
  return (
    <ul className="key-options" data-testid="key-options">
      {props.options.map((o, index) => (
        <li key={index} data-option={o.name}>
          <code>{optionText(o)}</code>{" "}
          <span className={`badge ${o.enforcedOnHttp ? "option-enforced" : "option-sshd"}`}>
            {o.enforcedOnHttp ? "enforced on HTTP" : "applies to sshd only"}
          </span>
        </li>
      ))}
    </ul>
  );
}
