import { useState } from "react";
import type { Authority, AuthorityRevokeBody } from "../api/contract";
import { revokeAuthority } from "../api/revokeAuthority";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { useAction } from "../shared/useAction";

type By = "serial" | "keyId" | "keyFingerprint" | "all";

const choices: { by: By; label: string; field: string; placeholder: string }[] = [
  { by: "serial", label: "One certificate, by serial", field: "Serial", placeholder: "e.g. 42 (ssh-keygen -L shows it)" },
  { by: "keyId", label: "Certificates with a key id", field: "Key id", placeholder: "e.g. alice@laptop (ssh-keygen -I)" },
  { by: "keyFingerprint", label: "Certificates of a key, by its fingerprint", field: "Key fingerprint", placeholder: "SHA256:…" },
  { by: "all", label: "The whole CA: every certificate it signed", field: "", placeholder: "" },
];

/** What the flash message says was revoked. */
function described(by: By, value: string): string {
  if (by === "serial") return `serial ${value}`;
  if (by === "keyId") return `key id ${value}`;
  if (by === "keyFingerprint") return `certificates of ${value}`;
  return "every certificate";
}

export function RevokeAuthorityDialog(props: { authority: Authority; onClose: () => void; onRevoked: (authority: Authority, what: string) => void }) {
  const [by, setBy] = useState<By>("serial");
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const choice = choices.find((c) => c.by === by)!;
  const { busy, error, run } = useAction(async () => {
    const v = value.trim();
    const selector: AuthorityRevokeBody =
      by === "all" ? { all: true } : by === "serial" ? { serial: v } : by === "keyId" ? { keyId: v } : { keyFingerprint: v };
    const body: AuthorityRevokeBody = reason.trim() && by !== "all" ? { ...selector, reason: reason.trim() } : selector;
    props.onRevoked((await revokeAuthority(props.authority.name, body)).authority, described(by, value.trim()));
  });
  return (
    <Dialog title={`Revoke certificates of ${props.authority.name}`} onClose={props.onClose} busy={busy}>
      <DialogForm
        onSubmit={run}
        error={error}
        actions={{
          onCancel: props.onClose,
          busy,
          tone: "danger",
          label: by === "all" ? "Revoke the CA" : "Revoke",
          busyLabel: "Revoking…",
          disabled: by !== "all" && !value.trim(),
        }}
      >
        <fieldset className="field choice-group">
          <legend className="label">Revoke</legend>
          {choices.map((c) => (
            <label className="check" key={c.by}>
              <input
                type="radio"
                name="revoke-by"
                value={c.by}
                checked={by === c.by}
                onChange={() => setBy(c.by)}
                disabled={c.by === "all" && !!props.authority.revokedAt}
              />
              <span>{c.label}</span>
            </label>
          ))}
        </fieldset>
        {by !== "all" ? (
          <label className="field">
            <span className="label">{choice.field}</span>
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              required
              maxLength={1024}
              spellCheck={false}
              autoCapitalize="off"
              placeholder={choice.placeholder}
            />
          </label>
        ) : (
          <p className="warning-text">
            No certificate of {props.authority.name} signs in from now on. This cannot be undone; to trust the CA again, remove it and add it anew.
          </p>
        )}
        {by !== "all" ? (
          <label className="field">
            <span className="label">Reason (optional)</span>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={2} placeholder="e.g. laptop lost" />
          </label>
        ) : null}
      </DialogForm>
    </Dialog>
  );
}
