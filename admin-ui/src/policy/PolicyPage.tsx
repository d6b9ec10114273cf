import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import type { KeyPolicy, KeyPolicyResponse } from "../api/contract";
import { getPolicy, updatePolicy } from "../api/policy";
import { policyCurveNames, policyMaxDays, policyRsaBitsRange, policyTypeNames } from "../../../strategy/policy/names.js";
import { Flash, useFlash } from "../shared/flash";
import { PageHead } from "../shared/PageHead";
import { useTitle } from "../shared/router";
import { ErrorBox, FormError, Loading } from "../shared/states";
import { useLoad } from "../shared/useLoad";

const typeLabels: Record<(typeof policyTypeNames)[number], string> = {
  ed25519: "Ed25519",
  ecdsa: "ECDSA",
  rsa: "RSA",
  "sk-ed25519": "Ed25519 security key",
  "sk-ecdsa": "ECDSA security key",
  cert: "Certificates (logins with a CA-signed certificate)",
};

/** A days field's text: empty for no limit. */
const daysText = (days: number | null) => (days === null ? "" : String(days));

function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

/** Checkboxes for a list of names the policy allows some of. */
function ChoiceList<T extends string>(props: {
  legend: string;
  name: string;
  choices: readonly T[];
  chosen: readonly T[];
  label: (choice: T) => ReactNode;
  onChange: (chosen: T[]) => void;
}) {
  return (
    <fieldset className="field choice-group">
      <legend className="label">{props.legend}</legend>
      {props.choices.map((choice) => (
        <label className="check" key={choice}>
          <input
            type="checkbox"
            name={props.name}
            value={choice}
            checked={props.chosen.includes(choice)}
            onChange={(e) => props.onChange(toggled(props.chosen, choice, e.target.checked))}
          />
          <span>{props.label(choice)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Admin: the instance key policy, what breaks it now, and editing it. */
export function PolicyPage() {
  useTitle("Key policy");
  const [load, reload, update] = useLoad((signal) => getPolicy(signal), []);
  const [flash, setFlash] = useFlash();
  if (load.state === "error" && !load.data) return <ErrorBox title="The key policy cannot be loaded" error={load.error} retry={reload} />;
  if (!load.data) return <Loading label="Loading the key policy…" />;
  return (
    <main className="page" id="main">
      <PageHead
        title="Key policy"
        description="Which keys may be added and sign in, on every instance. Keys that break a tightened policy are refused at sign-in (key_policy) until the policy or the key changes; none is deleted."
      >
        {null}
      </PageHead>
      <Flash message={flash} />
      <PolicyState answer={load.data} />
      <PolicyForm
        policy={load.data.policy}
        onSaved={(answer) => {
          update(() => answer);
          setFlash(`Key policy saved. ${breakingText(answer.breakingKeys)}`);
        }}
      />
    </main>
  );
}

function breakingText(count: number | null): string {
  if (count === null || count === 0) return "No stored key breaks it.";
  return count === 1 ? "1 stored key breaks it." : `${count} stored keys break it.`;
}

function PolicyState({ answer }: { answer: KeyPolicyResponse }) {
  return (
    <>
      {answer.storedError ? (
        <div className="notice" role="alert">
          <strong>The stored key policy cannot be read:</strong> {answer.storedError}. Every sign-in is refused until it is saved again below (or with{" "}
          <code>passport-sshkey policy set</code>).
        </div>
      ) : null}
      <p className="policy-breaking" data-testid="breaking-keys">
        {breakingText(answer.breakingKeys)}{" "}
        {answer.breakingKeys ? <span className="hint">The keys list marks each with “Breaks policy” and the reason.</span> : null}
      </p>
    </>
  );
}

function PolicyForm(props: { policy: KeyPolicy; onSaved: (answer: KeyPolicyResponse) => void }) {
  const [draft, setDraft] = useState<KeyPolicy>(props.policy);
  const [lifetime, setLifetime] = useState(daysText(props.policy.maxKeyLifetimeDays));
  const [unused, setUnused] = useState(daysText(props.policy.disableUnusedAfterDays));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setDraft(props.policy);
    setLifetime(daysText(props.policy.maxKeyLifetimeDays));
    setUnused(daysText(props.policy.disableUnusedAfterDays));
  }, [props.policy]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const days = (text: string) => (text.trim() === "" ? null : Number(text));
      props.onSaved(await updatePolicy({ ...draft, maxKeyLifetimeDays: days(lifetime), disableUnusedAfterDays: days(unused) }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="policy-form" onSubmit={(e) => void save(e)} aria-label="Key policy">
      <ChoiceList
        legend="Allowed key types"
        name="key-type"
        choices={policyTypeNames}
        chosen={draft.keyTypes}
        label={(name) => (
          <>
            {typeLabels[name]} <code>{name}</code>
          </>
        )}
        onChange={(keyTypes) => setDraft({ ...draft, keyTypes })}
      />
      <label className="field">
        <span className="label">Minimum RSA bits</span>
        <input
          type="number"
          name="min-rsa-bits"
          min={policyRsaBitsRange.min}
          max={policyRsaBitsRange.max}
          step={1}
          required
          value={draft.minRsaBits}
          onChange={(e) => setDraft({ ...draft, minRsaBits: Number(e.target.value) })}
        />
      </label>
      <ChoiceList
        legend="Allowed ECDSA curves"
        name="ecdsa-curve"
        choices={policyCurveNames}
        chosen={draft.ecdsaCurves}
        label={(curve) => <code>{curve}</code>}
        onChange={(ecdsaCurves) => setDraft({ ...draft, ecdsaCurves })}
      />
      <label className="field">
        <span className="label">Maximum key lifetime (days)</span>
        <input type="number" name="max-key-lifetime-days" min={1} max={policyMaxDays} step={1} value={lifetime} onChange={(e) => setLifetime(e.target.value)} />
        <span className="hint">New keys expire this many days after they are added; older keys stop signing in. Empty: no limit.</span>
      </label>
      <label className="field">
        <span className="label">Disable keys unused for (days)</span>
        <input type="number" name="disable-unused-after-days" min={1} max={policyMaxDays} step={1} value={unused} onChange={(e) => setUnused(e.target.value)} />
        <span className="hint">Measured from the last sign-in, or from when the key was added if it was never used. Empty: never.</span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          name="require-security-keys-for-admins"
          checked={draft.requireSecurityKeysForAdmins}
          onChange={(e) => setDraft({ ...draft, requireSecurityKeysForAdmins: e.target.checked })}
        />
        <span>Administrators must sign in with security keys (sk-*)</span>
      </label>
      <FormError error={error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Save policy"}
        </button>
      </div>
    </form>
  );
}
