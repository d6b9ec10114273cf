import { useEffect, useId, useRef, useState } from "react";
import { addKeys } from "../api/addKeys";
import { ApiError } from "../api/client";
import { previewKeys } from "../api/previewKeys";
import type { Key, PreviewEntry } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { DialogActions } from "../shared/DialogActions";
import { Fingerprint } from "../shared/Fingerprint";
import { endOfDayIso, keyTypeLabel, plural, toDateInput } from "../shared/format";
import { KeyOptions } from "../shared/KeyOptions";
import { SecurityKeyBadge } from "../shared/SecurityKeyBadge";
import { FormError, describeError } from "../shared/states";
import { useAction } from "../shared/useAction";
import { containsPrivateKey } from "./privateKey";

const maxText = 60_000;

type Preview =
  | { state: "empty" }
  | { state: "checking"; text: string }
  | { state: "private" }
  | { state: "too-large" }
  | { state: "ready"; text: string; keys: PreviewEntry[] }
  | { state: "error"; error: unknown };

/** Paste or drop public keys; every key is parsed and checked by the server before anything is saved. */
export function AddKeysDialog(props: { username?: string | undefined; onClose: () => void; onAdded: (keys: Key[]) => void }) {
  const [text, setText] = useState("");
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [preview, setPreview] = useState<Preview>({ state: "empty" });
  const [dragging, setDragging] = useState(false);
  const [fileNote, setFileNote] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = { text: useId(), hint: useId(), name: useId(), expires: useId(), preview: useId() };

  useEffect(() => {
    if (!text.trim()) return setPreview({ state: "empty" });
    if (containsPrivateKey(text)) return setPreview({ state: "private" });
    if (text.length > maxText) return setPreview({ state: "too-large" });
    setPreview({ state: "checking", text });
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      previewKeys(text, controller.signal).then(
        (result) => setPreview({ state: "ready", text, keys: result.keys }),
        (error: unknown) => {
          if (!controller.signal.aborted) setPreview({ state: "error", error });
        },
      );
    }, 250);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  async function readFiles(files: FileList | File[]) {
    const list = [...files];
    if (list.length === 0) return;
    const parts: string[] = [];
    const skipped: string[] = [];
    for (const file of list) {
      if (file.size > maxText) {
        skipped.push(`${file.name} (too large for a public key)`);
        continue;
      }
      parts.push((await file.text()).trim());
    }
    setText((current) => [current.trim(), ...parts].filter(Boolean).join("\n"));
    setFileNote(`${plural(parts.length, "file")} read${skipped.length ? `; skipped ${skipped.join(", ")}` : ""}. Files are read in your browser.`);
  }

  const good = preview.state === "ready" ? preview.keys.filter((k) => k.ok) : [];
  const bad = preview.state === "ready" ? preview.keys.filter((k) => !k.ok) : [];
  const {
    busy: saving,
    error: saveError,
    run: save,
  } = useAction(async () => {
    const { keys } = await addKeys({
      text,
      comment: name.trim() || undefined,
      expiresAt: expires ? endOfDayIso(expires) : undefined,
      username: props.username,
    });
    props.onAdded(keys);
  });
  const canSave = preview.state === "ready" && preview.text === text && good.length > 0 && bad.length === 0 && !saving;
  const today = toDateInput(new Date().toISOString());

  return (
    <Dialog
      title={props.username ? `Add SSH keys for ${props.username}` : "Add SSH keys"}
      onClose={props.onClose}
      busy={saving}
      wide
      description={<p>Paste public keys: OpenSSH (.pub) lines, an authorized_keys file, PEM or RFC 4716. Each is checked before anything is saved.</p>}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canSave) save();
        }}
      >
        <div
          className={`dropzone ${dragging ? "dragging" : ""}`}
          onDragOver={(event) => {
            if ([...event.dataTransfer.types].includes("Files")) {
              event.preventDefault();
              event.dataTransfer.dropEffect = "copy";
              setDragging(true);
            }
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(event) => {
            if (event.dataTransfer.files.length > 0) {
              event.preventDefault();
              setDragging(false);
              void readFiles(event.dataTransfer.files);
            }
          }}
        >
          <label className="field" htmlFor={ids.text}>
            <span className="label">Public keys</span>
          </label>
          <textarea
            id={ids.text}
            className="mono key-input"
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={6}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            placeholder={"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… you@laptop\necdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI… you@desktop"}
            aria-describedby={`${ids.hint} ${ids.preview}`}
            data-autofocus
          />
          <div className="dropzone-foot" id={ids.hint}>
            <span>
              Or drop <code>.pub</code> files here, or{" "}
              <button type="button" className="link-button" onClick={() => fileInput.current?.click()}>
                choose files
              </button>
              .
            </span>
            <span className="muted">
              Print yours with <code>cat ~/.ssh/id_ed25519.pub</code>
            </span>
          </div>
          <input
            ref={fileInput}
            type="file"
            multiple
            accept=".pub,.pem,.txt,text/plain"
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(event) => {
              if (event.target.files) void readFiles(event.target.files);
              event.target.value = "";
            }}
          />
          {fileNote ? <p className="muted small">{fileNote}</p> : null}
        </div>

        <section className="preview" id={ids.preview} aria-live="polite" aria-label="Preview">
          <PreviewView preview={preview} onClear={() => setText("")} />
        </section>

        <div className="field-row">
          <label className="field">
            <span className="label">Name (optional)</span>
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={200} placeholder="Keep each key's own comment" />
          </label>
          <label className="field">
            <span className="label">Expires on (optional)</span>
            <input type="date" value={expires} min={today} onChange={(event) => setExpires(event.target.value)} />
          </label>
        </div>

        {saveError instanceof ApiError && saveError.code === "key_exists" ? (
          <p className="form-error" role="alert">
            One of these keys is already registered (keys are unique across users). Remove it from the text and try again.
          </p>
        ) : (
          <FormError error={saveError} />
        )}
        <DialogActions
          onCancel={props.onClose}
          busy={saving}
          tone="primary"
          label={good.length > 1 ? `Add ${good.length} keys` : "Add key"}
          busyLabel="Adding…"
          disabled={!canSave}
        />
      </form>
    </Dialog>
  );
}

function PreviewView(props: { preview: Preview; onClear: () => void }) {
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
  const good = p.keys.filter((k) => k.ok).length;
  const bad = p.keys.length - good;
  return (
    <>
      <p className={`preview-summary ${bad ? "has-problems" : "all-good"}`}>
        {bad === 0
          ? `${plural(good, "key")} ready to add`
          : `${plural(bad, "problem")} found: fix or remove ${bad === 1 ? "that line" : "those lines"} before adding${good ? ` (${plural(good, "key")} fine)` : ""}`}
      </p>
      <ul className="preview-list">
        {p.keys.map((entry, index) =>
          entry.ok ? (
            <li key={index} className="preview-item ok">
              <span className="preview-icon" aria-label="valid">
                ✓
              </span>
              <div>
                <div>
                  <strong>{keyTypeLabel(entry.type)}</strong> <span className="muted">· {entry.bits} bits</span>{" "}
                  <SecurityKeyBadge securityKey={entry.securityKey} />
                  {entry.comment ? <span className="muted"> · {entry.comment}</span> : null}
                  <span className="muted small"> · line {entry.line}</span>
                </div>
                <Fingerprint value={entry.fingerprintSha256} compact />
                <KeyOptions options={entry.options} />
              </div>
            </li>
          ) : (
            <li key={index} className="preview-item bad">
              <span className="preview-icon" aria-label="problem">
                ✕
              </span>
              <div>
                <div>
                  <strong>Line {entry.line}:</strong> {entry.problem.message}
                </div>
                <code className="error-code">{entry.problem.code}</code>
              </div>
            </li>
          ),
        )}
      </ul>
    </>
  );
}
