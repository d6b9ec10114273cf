import { useState } from "react";
import type { Authority } from "../api/contract";
import { getAuthorities } from "../api/getAuthorities";
import { Fingerprint } from "../shared/Fingerprint";
import { Flash, useFlash } from "../shared/flash";
import { keyTypeLabel } from "../shared/format";
import { PlusIcon, TrashIcon } from "../shared/icons";
import { PageHead } from "../shared/PageHead";
import { RelativeTime } from "../shared/RelativeTime";
import { useTitle } from "../shared/router";
import { Empty, ErrorBox, Loading } from "../shared/states";
import { useLoad } from "../shared/useLoad";
import { AddAuthorityDialog } from "./AddAuthorityDialog";
import { principalMapLabel } from "./principal-map";
import { RemoveAuthorityDialog } from "./RemoveAuthorityDialog";
import { RevokeAuthorityDialog } from "./RevokeAuthorityDialog";

type Modal = { kind: "add" } | { kind: "revoke"; authority: Authority } | { kind: "remove"; authority: Authority } | null;

/** Admin: the OpenSSH certificate authorities whose user certificates sign in without an uploaded key. */
export function AuthoritiesPage() {
  useTitle("Certificate authorities");
  const [result, reload, update] = useLoad((signal) => getAuthorities(signal), []);
  const [modal, setModal] = useState<Modal>(null);
  const [flash, setFlash] = useFlash();
  const replace = (authority: Authority) => update((data) => ({ authorities: data.authorities.map((a) => (a.id === authority.id ? authority : a)) }));

  const authorities = result.data?.authorities;
  return (
    <main className="page" id="main">
      <PageHead
        title="Certificate authorities"
        description="OpenSSH CAs whose user certificates (ssh-keygen -s) sign users in without an uploaded key. Changes hold on the next request."
      >
        <button type="button" className="button primary" onClick={() => setModal({ kind: "add" })}>
          <PlusIcon /> Add CA
        </button>
      </PageHead>
      <Flash message={flash} />

      {result.state === "error" && !authorities ? (
        <ErrorBox error={result.error} retry={reload} title="The certificate authorities cannot be loaded" />
      ) : !authorities ? (
        <Loading label="Loading certificate authorities…" />
      ) : authorities.length === 0 ? (
        <Empty title="No certificate authority is trusted">
          <p>
            Add the public key of the CA that signs your users' certificates (<code>ca.pub</code>), or run <code>passport-sshkey ca add ca.pub</code>.
          </p>
          <button type="button" className="button primary" onClick={() => setModal({ kind: "add" })}>
            Add CA
          </button>
        </Empty>
      ) : (
        <>
          {result.state === "error" ? <ErrorBox error={result.error} retry={reload} title="Refreshing failed" /> : null}
          <div className={`table-wrap ${result.state === "loading" ? "stale" : ""}`}>
            <table className="responsive authorities-table">
              <caption className="sr-only">Certificate authorities</caption>
              <thead>
                <tr>
                  <th scope="col">CA</th>
                  <th scope="col">Fingerprint (SHA256)</th>
                  <th scope="col">Principals from</th>
                  <th scope="col">Added</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {authorities.map((ca) => (
                  <tr key={ca.id} data-authority={ca.name} className={ca.revokedAt ? "row-revoked" : undefined}>
                    <td data-label="CA">
                      <strong>{ca.name}</strong>
                      <div className="sub">
                        <span className="type-pill">{keyTypeLabel(ca.type)}</span>
                      </div>
                    </td>
                    <td data-label="Fingerprint">
                      <Fingerprint value={ca.fingerprintSha256} label={`fingerprint of ${ca.name}`} compact />
                    </td>
                    <td data-label="Principals from">{principalMapLabel(ca.principalMap)}</td>
                    <td data-label="Added" className="cell-nowrap">
                      <RelativeTime at={ca.createdAt} />
                    </td>
                    <td data-label="Last used" className="cell-last-used">
                      {ca.lastUsedAt ? <RelativeTime at={ca.lastUsedAt} /> : <span className="muted">Never used</span>}
                    </td>
                    <td data-label="Status">
                      {ca.revokedAt ? <span className="badge status-revoked">Revoked</span> : <span className="badge status-active">Trusted</span>}
                      {ca.revocationCount > 0 ? (
                        <div className="sub">{ca.revocationCount === 1 ? "1 revocation" : `${ca.revocationCount} revocations`}</div>
                      ) : null}
                    </td>
                    <td className="cell-actions">
                      <div className="actions">
                        <button
                          type="button"
                          className="button small danger-outline"
                          onClick={() => setModal({ kind: "revoke", authority: ca })}
                          aria-label={`Revoke certificates of ${ca.name}`}
                        >
                          Revoke…
                        </button>
                        <button
                          type="button"
                          className="icon-button danger-icon"
                          onClick={() => setModal({ kind: "remove", authority: ca })}
                          aria-label={`Remove ${ca.name}`}
                          title="Remove CA"
                        >
                          <TrashIcon />
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {modal?.kind === "add" ? (
        <AddAuthorityDialog
          onClose={() => setModal(null)}
          onAdded={(ca) => {
            setModal(null);
            setFlash(`Trusted ${ca.name}. Its certificates can sign in now.`);
            reload();
          }}
        />
      ) : null}
      {modal?.kind === "revoke" ? (
        <RevokeAuthorityDialog
          authority={modal.authority}
          onClose={() => setModal(null)}
          onRevoked={(ca, what) => {
            setModal(null);
            replace(ca);
            setFlash(`Revoked ${what} of ${ca.name}.`);
          }}
        />
      ) : null}
      {modal?.kind === "remove" ? (
        <RemoveAuthorityDialog
          authority={modal.authority}
          onClose={() => setModal(null)}
          onRemoved={(name) => {
            setModal(null);
            update((data) => ({ authorities: data.authorities.filter((a) => a.name !== name) }));
            setFlash(`Removed ${name}.`);
          }}
        />
      ) : null}
    </main>
  );
}
