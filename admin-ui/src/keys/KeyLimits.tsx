import { useState } from "react";
import { formatRateLimit, KeyLimitError, parseRateLimit, parseScopes } from "../../../strategy/core/key-limits.js";
import type { Key } from "../api/contract";
import type { KeyPatchBody } from "../api/contract";
import { unlockKey } from "../api/unlockKey";
import { updateKey } from "../api/updateKey";
import { formatExact } from "../shared/format";
import { RelativeTime } from "../shared/RelativeTime";
import { FormError } from "../shared/states";

/** The patch the form's two fields ask for: an empty field clears (unrestricted, no limit of its own). */
function patchOf(scopes: string, rateLimit: string): KeyPatchBody {
  return {
    scopes: scopes.trim() === "" ? null : parseScopes(scopes),
    rateLimit: rateLimit.trim() === "" ? null : parseRateLimit(rateLimit),
  };
}

/**
 * What the key may do: its scopes, its own rate limit, and a lockout after failed attempts with
 * the button that lifts it. Administrators edit them; the owner sees them.
 */
export function KeyLimits(props: { keyData: Key; isAdmin: boolean; onSaved: (key: Key) => void }) {
  const k = props.keyData;
  const [scopes, setScopes] = useState((k.scopes ?? []).join(", "));
  const [rateLimit, setRateLimit] = useState(k.rateLimit ? formatRateLimit(k.rateLimit) : "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<{ key: Key }>) => {
    setBusy(true);
    setError(null);
    try {
      const { key } = await work();
      props.onSaved(key);
      setScopes((key.scopes ?? []).join(", "));
      setRateLimit(key.rateLimit ? formatRateLimit(key.rateLimit) : "");
    } catch (e) {
      setError(e instanceof KeyLimitError ? new Error(e.message) : e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {k.lockedUntil ? (
        <div className="callout danger" data-testid="key-locked">
          <p className="callout-title">
            Locked until {formatExact(k.lockedUntil)} ({k.failedAttempts} failed attempts)
          </p>
          <p>
            Requests signed with this key are refused until the lock runs out (<RelativeTime at={k.lockedUntil} />)
            {props.isAdmin ? " or you unlock it." : " or an administrator unlocks it."}
          </p>
          {props.isAdmin ? (
            <button type="button" className="button small" disabled={busy} onClick={() => void run(() => unlockKey(k.id))}>
              Unlock
            </button>
          ) : null}
        </div>
      ) : null}
      <section className="card" aria-labelledby="limits-heading">
        <h2 id="limits-heading">Scopes and rate limit</h2>
        <dl className="facts">
          <dt>Scopes</dt>
          <dd data-testid="key-scopes">
            {k.scopes === null ? <span className="muted">Unrestricted</span> : k.scopes.length === 0 ? "No scoped route" : k.scopes.join(" ")}
          </dd>
          <dt>Rate limit</dt>
          <dd data-testid="key-rate-limit">
            {k.rateLimit ? `${k.rateLimit.count} sign-ins per ${k.rateLimit.windowSeconds} s` : <span className="muted">None of its own</span>}
          </dd>
          <dt>Failed attempts</dt>
          <dd data-testid="key-failed-attempts">{k.failedAttempts}</dd>
        </dl>
        {props.isAdmin ? (
          <form
            className="limits-form"
            onSubmit={(event) => {
              event.preventDefault();
              void run(() => updateKey(k.id, patchOf(scopes, rateLimit)));
            }}
          >
            <LimitField id="key-scopes" label="Scopes" value={scopes} onChange={setScopes} placeholder="deploy, read" disabled={busy}>
              Comma-separated; empty: unrestricted. Routes name the scopes they need.
            </LimitField>
            <LimitField id="key-rate-limit" label="Rate limit" value={rateLimit} onChange={setRateLimit} placeholder="100/60s" disabled={busy}>
              Sign-ins per window, e.g. 100/60s or 1000/1h; empty: none of its own.
            </LimitField>
            <button type="submit" className="button small" disabled={busy}>
              {busy ? "Saving…" : "Save limits"}
            </button>
          </form>
        ) : null}
        <FormError error={error} />
      </section>
    </>
  );
}

function LimitField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  disabled: boolean;
  children: string;
}) {
  return (
    <>
      <label htmlFor={`${props.id}-input`}>{props.label}</label>
      <input
        id={`${props.id}-input`}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        placeholder={props.placeholder}
        aria-describedby={`${props.id}-help`}
        disabled={props.disabled}
      />
      <p id={`${props.id}-help`} className="muted small">
        {props.children}
      </p>
    </>
  );
}
