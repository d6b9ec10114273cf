import type { PreviewEntry } from "../api/contract";
import { Fingerprint } from "../shared/Fingerprint";
import { keyTypeLabel, plural } from "../shared/format";
import { KeyOptions } from "../shared/KeyOptions";
import { SecurityKeyBadge } from "../shared/SecurityKeyBadge";
import { describeError } from "../shared/states";

export type Preview =
  | { state: "empty" }
  | { state: "checking"; text: string }
  | { state: "private" }
  | { state: "too-large" }
  | { state: "ready"; text: string; keys: PreviewEntry[] }
  | { state: "error"; error: unknown };

type GoodEntry = Extract<PreviewEntry, { ok: true }>;

/** A key the server would refuse although it parses: already registered, or against the key policy. */
function blocked(entry: GoodEntry): boolean {
  return Boolean(entry.registered) || (entry.policyBreaks?.length ?? 0) > 0;
}

/** The keys that can be added, and the lines that cannot (a problem, a key already registered, a key the policy refuses). */
export function classify(entries: PreviewEntry[]): { addable: GoodEntry[]; refused: PreviewEntry[] } {
  const addable = entries.filter((entry): entry is GoodEntry => entry.ok && !blocked(entry));
  return { addable, refused: entries.filter((entry) => !entry.ok || blocked(entry)) };
}

/** Why a registered key cannot be added: which account has it (another account's holder is named to admins only). */
function registeredText(registered: NonNullable<GoodEntry["registered"]>, forAccount: string | undefined): string {
  if (registered.account === "this")
    return `Already on ${forAccount ? `${forAccount}'s` : "your"} account${registered.name ? ` (name “${registered.name}”)` : ""}.`;
  return registered.holder ? `Already registered to ${registered.holder}.` : "Already registered to another account.";
}

function KeyLine(props: { entry: GoodEntry }) {
  const { entry } = props;
  return (
    <div>
      <strong>{keyTypeLabel(entry.type)}</strong> <span className="muted">· {entry.bits} bits</span> <SecurityKeyBadge securityKey={entry.securityKey} />
      {entry.comment ? <span className="muted"> · {entry.comment}</span> : null}
      <span className="muted small"> · line {entry.line}</span>
    </div>
  );
}

/** The live preview of a paste: one row per key, a name field for each key that can be added. */
export function KeyPastePreview(props: {
  preview: Preview;
  forAccount: string | undefined;
  onClear: () => void;
  names: Record<string, string>;
  onName: (fingerprint: string, name: string) => void;
}) {
  const p = props.preview;
  if (p.state === "empty") return <p className="muted small">A preview of each key appears here as you paste.</p>;
  if (p.state === "private") {
    return (
      <div className="callout danger" role="alert" data-testid="private-key-warning">
        <p className="callout-title">This is a private key. It was not sent anywhere.</p>
        <p>
          A private key is the secret half of your key pair: whoever has it can sign in as you. Never paste it into a website, this one included. Paste the{" "}
          <strong>public</strong> key instead, the <code>.pub</code> file next to it, or print it with <code>ssh-keygen -y -f ~/.ssh/id_ed25519</code>.
        </p>
        <button type="button" className="button small" onClick={props.onClear}>
          Clear the text
        </button>
      </div>
    );
  }
  if (p.state === "too-large") return <p className="form-error">The text is larger than 60,000 characters; add fewer keys at a time.</p>;
  if (p.state === "error")
    return (
      <p className="form-error" role="alert">
        The preview failed: {describeError(p.error)}
      </p>
    );
  if (p.state === "checking") {
    return (
      <p className="muted small" role="status">
        <span className="spinner small" aria-hidden="true" /> Checking…
      </p>
    );
  }
  if (p.keys.length === 0) return <p className="form-error">No public key found in the text.</p>;
  const { addable, refused } = classify(p.keys);
  const good = addable.length;
  const bad = refused.length;
  return (
    <>
      <p className={`preview-summary ${bad ? "has-problems" : "all-good"}`}>
        {bad === 0
          ? `${plural(good, "key")} ready to add`
          : `${plural(bad, "problem")} found: fix or remove ${bad === 1 ? "that line" : "those lines"}${good ? `, or skip ${bad === 1 ? "it" : "them"} (${plural(good, "key")} fine)` : " before adding"}`}
      </p>
      <ul className="preview-list">
        {p.keys.map((entry, index) => {
          if (entry.ok && !blocked(entry)) {
            return (
              <li key={index} className="preview-item ok">
                <span className="preview-icon" aria-label="valid">
                  ✓
                </span>
                <div className="preview-body">
                  <KeyLine entry={entry} />
                  <Fingerprint value={entry.fingerprintSha256} compact />
                  <KeyOptions options={entry.options} />
                  <label className="preview-name">
                    <span className="label">Name</span>
                    <input
                      value={props.names[entry.fingerprintSha256] ?? ""}
                      onChange={(event) => props.onName(entry.fingerprintSha256, event.target.value)}
                      maxLength={200}
                      placeholder={entry.comment || "No name"}
                      aria-label={`Name for the key on line ${entry.line}`}
                    />
                  </label>
                </div>
              </li>
            );
          }
          return (
            <li key={index} className={`preview-item bad${entry.ok ? " registered" : ""}`}>
              <span className="preview-icon" aria-label="problem">
                ✕
              </span>
              {entry.ok ? (
                <div className="preview-body">
                  <KeyLine entry={entry} />
                  {entry.registered ? (
                    <div>
                      <strong>{registeredText(entry.registered, props.forAccount)}</strong> A key can be registered only once.
                    </div>
                  ) : (
                    <div data-testid="policy-break">
                      <strong>Breaks the key policy:</strong> {entry.policyBreaks!.join("; ")}.
                    </div>
                  )}
                  <Fingerprint value={entry.fingerprintSha256} compact />
                </div>
              ) : (
                <div className="preview-body">
                  <div>
                    <strong>Line {entry.line}:</strong> {entry.problem.message}
                  </div>
                  <code className="error-code">{entry.problem.code}</code>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
