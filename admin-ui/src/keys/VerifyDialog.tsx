import { useState } from "react";
import type { Key } from "../api/contract";
import { getKeyChallenge, verifyKey } from "../api/keyImport";
import { CopyButton } from "../shared/CopyButton";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { KeySummary } from "../shared/KeySummary";
import { ErrorBox, Loading } from "../shared/states";
import { useAction } from "../shared/useAction";
import { useLoad } from "../shared/useLoad";

/**
 * Proof of possession for an imported key: its owner signs the key's challenge with
 * `ssh-keygen -Y sign` and pastes the signature; the key signs in from then on.
 */
export function VerifyDialog(props: { keyData: Key; onClose: () => void; onVerified: (key: Key) => void }) {
  const [challenge, reload] = useLoad((signal) => getKeyChallenge(props.keyData.id, signal), [props.keyData.id]);
  const [signature, setSignature] = useState("");
  const { busy, error, run } = useAction(async () => props.onVerified((await verifyKey(props.keyData.id, signature.trim())).key));
  return (
    <Dialog title="Verify this key" onClose={props.onClose} busy={busy} wide>
      <DialogForm onSubmit={run} error={error} actions={{ onCancel: props.onClose, busy, tone: "primary", label: "Verify key", busyLabel: "Verifying…" }}>
        <KeySummary keyData={props.keyData} />
        <p>
          This key was imported{props.keyData.originRef ? ` from ${props.keyData.originRef}` : ""}: it signs in only once its owner shows they hold it. Run this
          where the private key is (change the <code>-f</code> path to it), then paste what it prints.
        </p>
        {challenge.state === "error" ? <ErrorBox error={challenge.error} retry={reload} title="The challenge cannot be loaded" /> : null}
        {challenge.data ? (
          <div className="verify-command">
            <code data-testid="verify-command">{challenge.data.command}</code>
            <CopyButton text={challenge.data.command} label="Copy command" />
          </div>
        ) : challenge.state === "loading" ? (
          <Loading label="Loading the challenge…" />
        ) : null}
        <label className="field">
          <span className="label">Signature (-----BEGIN SSH SIGNATURE----- …)</span>
          <textarea
            value={signature}
            onChange={(e) => setSignature(e.target.value)}
            rows={7}
            required
            maxLength={16 * 1024}
            spellCheck={false}
            className="mono"
            placeholder={"-----BEGIN SSH SIGNATURE-----\n…\n-----END SSH SIGNATURE-----"}
          />
        </label>
      </DialogForm>
    </Dialog>
  );
}
