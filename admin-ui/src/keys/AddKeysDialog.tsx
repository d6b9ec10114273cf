import { useEffect, useId, useRef, useState } from "react";
import { addKeys } from "../api/addKeys";
import { previewKeys } from "../api/previewKeys";
import type { Key } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { DialogActions } from "../shared/DialogActions";
import { endOfDayIso, plural, toDateInput } from "../shared/format";
import { FormError } from "../shared/states";
import { useAction } from "../shared/useAction";
import { KeyPastePreview, classify, type Preview } from "./KeyPastePreview";
import { containsPrivateKey } from "./privateKey";

const maxText = 60_000;

/** Paste or drop public keys; every key is parsed and checked by the server before anything is saved. */
export function AddKeysDialog(props: { username?: string | undefined; onClose: () => void; onAdded: (keys: Key[]) => void }) {
  const [text, setText] = useState("");
  // One name per key, by fingerprint (lines move as the text is edited); empty keeps the key's own comment.
  const [names, setNames] = useState<Record<string, string>>({});
  const [skipBad, setSkipBad] = useState(false);
  const [expires, setExpires] = useState("");
  const [preview, setPreview] = useState<Preview>({ state: "empty" });
  const [dragging, setDragging] = useState(false);
  const [fileNote, setFileNote] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = { text: useId(), hint: useId(), expires: useId(), preview: useId() };

  useEffect(() => {
    if (!text.trim()) return setPreview({ state: "empty" });
    if (containsPrivateKey(text)) return setPreview({ state: "private" });
    if (text.length > maxText) return setPreview({ state: "too-large" });
    setPreview({ state: "checking", text });
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      previewKeys(text, props.username, controller.signal).then(
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
  }, [text, props.username]);

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

  const { addable: good, refused: bad } = classify(preview.state === "ready" ? preview.keys : []);
  const {
    busy: saving,
    error: saveError,
    run: save,
  } = useAction(async () => {
    const { keys } = await addKeys({
      text,
      select: good.map((entry) => ({ line: entry.line, comment: names[entry.fingerprintSha256]?.trim() || undefined })),
      expiresAt: expires ? endOfDayIso(expires) : undefined,
      username: props.username,
    });
    props.onAdded(keys);
  });
  const canSave = preview.state === "ready" && preview.text === text && good.length > 0 && (bad.length === 0 || skipBad) && !saving;
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
          <KeyPastePreview
            preview={preview}
            forAccount={props.username}
            onClear={() => setText("")}
            names={names}
            onName={(fingerprint, name) => setNames((current) => ({ ...current, [fingerprint]: name }))}
          />
        </section>
        {good.length > 0 && bad.length > 0 ? (
          <label className="check skip-bad">
            <input type="checkbox" checked={skipBad} onChange={(event) => setSkipBad(event.target.checked)} />
            Skip the {plural(bad.length, "line")} that cannot be added and add the {plural(good.length, "good key")}
          </label>
        ) : null}

        <div className="field-row">
          <label className="field">
            <span className="label">Expires on (optional)</span>
            <input type="date" value={expires} min={today} onChange={(event) => setExpires(event.target.value)} />
          </label>
        </div>

        <FormError error={saveError} />
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
