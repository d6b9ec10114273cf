import { useState } from "react";
import { addAuthority } from "../api/addAuthority";
import type { Authority } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { useAction } from "../shared/useAction";

type MapKind = "username" | "key-id" | "extension";

/** The CA's public key, its name (default: the key's comment) and how its certificates name users. */
export function AddAuthorityDialog(props: { onClose: () => void; onAdded: (authority: Authority) => void }) {
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [mapKind, setMapKind] = useState<MapKind>("username");
  const [extension, setExtension] = useState("login@github.com");
  // A .pub line ends with its comment: a name to start from.
  const suggested = /^\s*\S+\s+\S+\s+(\S[^\n]*)$/.exec(key.trim())?.[1]?.trim() ?? "";
  const chosenName = (name || suggested).trim();
  const principalMap = mapKind === "extension" ? `extension:${extension.trim()}` : mapKind;
  const { busy, error, run } = useAction(async () => props.onAdded((await addAuthority({ key: key.trim(), name: chosenName, principalMap })).authority));
  return (
    <Dialog title="Add a certificate authority" onClose={props.onClose} busy={busy} wide>
      <DialogForm
        onSubmit={run}
        error={error}
        actions={{
          onCancel: props.onClose,
          busy,
          tone: "primary",
          label: "Add CA",
          busyLabel: "Adding…",
          disabled: !key.trim() || !chosenName || (mapKind === "extension" && !extension.trim()),
        }}
      >
        <label className="field">
          <span className="label">CA public key</span>
          <textarea
            className="mono"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
            rows={4}
            maxLength={20_000}
            spellCheck={false}
            placeholder="ssh-ed25519 AAAA… ca@example.com"
          />
          <span className="hint">
            The contents of <code>ca.pub</code>, the key <code>ssh-keygen -s</code> signs with. Not a certificate, not the private key.
          </span>
        </label>
        <label className="field">
          <span className="label">Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={128}
            autoComplete="off"
            spellCheck={false}
            placeholder={suggested || "e.g. corp"}
          />
          <span className="hint">How the console and the log name this CA{suggested ? ` (default: ${suggested})` : ""}.</span>
        </label>
        <label className="field">
          <span className="label">Principal map</span>
          <select value={mapKind} onChange={(e) => setMapKind(e.target.value as MapKind)}>
            <option value="username">username: a principal (-n) equal to the username</option>
            <option value="key-id">key id: the key id (-I) is the username</option>
            <option value="extension">extension:NAME: an extension's value is the username</option>
          </select>
        </label>
        {mapKind === "extension" ? (
          <label className="field">
            <span className="label">Extension name</span>
            <input value={extension} onChange={(e) => setExtension(e.target.value)} required maxLength={200} spellCheck={false} autoCapitalize="off" />
            <span className="hint">
              e.g. <code>login@github.com</code> (<code>ssh-keygen -O extension:login@github.com=alice</code>).
            </span>
          </label>
        ) : null}
      </DialogForm>
    </Dialog>
  );
}
