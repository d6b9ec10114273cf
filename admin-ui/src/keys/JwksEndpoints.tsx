import { useState } from "react";
import type { JwksEndpoint } from "../api/contract";
import { addJwksEndpoint, getJwksEndpoints, removeJwksEndpoint } from "../api/jwksEndpoints";
import { AddedLastUsedCells } from "../shared/AddedLastUsedCells";
import { Flash, useFlash } from "../shared/flash";
import { TrashIcon } from "../shared/icons";
import { RelativeTime } from "../shared/RelativeTime";
import { ErrorBox, FormError, Loading } from "../shared/states";
import { TableHead } from "../shared/TableHead";
import { useAction } from "../shared/useAction";
import { useLoad } from "../shared/useLoad";

/** When the set was last fetched, and why that failed if it did. */
function FetchStatus(props: { endpoint: JwksEndpoint }) {
  const { lastFetchedAt, lastFetchError } = props.endpoint;
  if (!lastFetchedAt) return <span className="muted">Not fetched yet</span>;
  return (
    <>
      <RelativeTime at={lastFetchedAt} />
      {lastFetchError ? (
        <div className="sub jwks-fetch-error" role="note">
          {lastFetchError}
        </div>
      ) : (
        <div className="sub">OK</div>
      )}
    </>
  );
}

/**
 * A user's JWKS URLs (asymmetric-jwt-auth's JWKSEndpointTrust): a JWT naming the user whose kid
 * is in one of these sets signs in with that key, without an uploaded key. Add and remove hold
 * on the next request.
 */
export function JwksEndpoints(props: { username: string; mine: boolean }) {
  const [result, reload, update] = useLoad((signal) => getJwksEndpoints(props.username, signal), [props.username]);
  const [flash, setFlash] = useFlash();
  // The add form is remounted after each URL added, which clears its field and its busy state.
  const [formKey, setFormKey] = useState(0);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const remove = async (endpoint: JwksEndpoint) => {
    setRemoveError(null);
    try {
      await removeJwksEndpoint(props.username, endpoint.url);
      update((data) => ({ endpoints: data.endpoints.filter((e) => e.id !== endpoint.id) }));
      setFlash(`Removed ${endpoint.url}.`);
    } catch (error) {
      setRemoveError(error);
    }
  };
  const endpoints = result.data?.endpoints ?? [];
  return (
    <section className="card jwks-endpoints" aria-labelledby="jwks-endpoints-title">
      <div className="card-head">
        <h2 id="jwks-endpoints-title">JWKS URLs</h2>
        <button type="button" className="button small" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="muted">
        JWTs for {props.mine ? "you" : props.username} (<code>Authorization: JWT …</code>) whose <code>kid</code> is in one of these JSON Web Key Sets sign in
        with that key. Sets are fetched over https and cached as their Cache-Control says (5 minutes by default).
      </p>
      <Flash message={flash} />
      {result.state === "error" ? <ErrorBox error={result.error} retry={reload} title="The JWKS URLs cannot be loaded" /> : null}
      {result.state === "loading" && !result.data ? <Loading label="Loading JWKS URLs…" /> : null}
      {endpoints.length > 0 ? (
        <table className="responsive jwks-table">
          <TableHead caption="JWKS URLs" columns={["URL", "Added", "Last used", "Last fetch"]} />
          <tbody>
            {endpoints.map((e) => (
              <tr key={e.id} data-jwks-url={e.url}>
                <td data-label="URL">
                  <code className="jwks-url">{e.url}</code>
                </td>
                <AddedLastUsedCells createdAt={e.createdAt} lastUsedAt={e.lastUsedAt} />
                <td data-label="Last fetch">
                  <FetchStatus endpoint={e} />
                </td>
                <td className="cell-actions">
                  <button
                    type="button"
                    className="icon-button danger-icon"
                    onClick={() => void remove(e)}
                    aria-label={`Remove ${e.url}`}
                    title="Remove JWKS URL"
                  >
                    <TrashIcon />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : result.state === "ready" ? (
        <p className="muted">No JWKS URL is trusted{props.mine ? "" : ` for ${props.username}`}.</p>
      ) : null}
      <FormError error={removeError} />
      <AddJwksUrlForm
        key={formKey}
        add={(url) => addJwksEndpoint(props.mine ? { url } : { url, username: props.username })}
        onAdded={(endpoint) => {
          update((data) => ({ endpoints: [...data.endpoints, endpoint] }));
          setFormKey((k) => k + 1);
          setFlash(`Trusting ${endpoint.url}. Its keys can sign JWTs in now.`);
        }}
      />
    </section>
  );
}

function AddJwksUrlForm(props: { add: (url: string) => Promise<{ endpoint: JwksEndpoint }>; onAdded: (endpoint: JwksEndpoint) => void }) {
  const [url, setUrl] = useState("");
  const adding = useAction(async () => props.onAdded((await props.add(url.trim())).endpoint));
  return (
    <form
      className="jwks-add"
      onSubmit={(event) => {
        event.preventDefault();
        adding.run();
      }}
    >
      <label className="field">
        <span className="label">Add a JWKS URL</span>
        <input
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
          maxLength={2048}
          autoComplete="off"
          spellCheck={false}
          placeholder="https://login.example.com/.well-known/jwks.json"
        />
      </label>
      <button type="submit" className="button primary" disabled={adding.busy || !url.trim()}>
        {adding.busy ? "Adding…" : "Add URL"}
      </button>
      <FormError error={adding.error} />
    </form>
  );
}
