import { useState } from "react";
import type { Authority } from "../api/contract";
import { getAuthorities } from "../api/getAuthorities";
import { Fingerprint } from "../shared/Fingerprint";
import { Flash, useFlash } from "../shared/flash";
import { keyTypeLabel } from "../shared/format";
import { PlusIcon, TrashIcon } from "../shared/icons";
import { PageHead } from "../shared/PageHead";
import { AddedLastUsedCells } from "../shared/AddedLastUsedCells";
import { useTitle } from "../shared/router";
import { PagedView } from "../shared/PagedView";
import { Empty } from "../shared/states";
import { TableHead } from "../shared/TableHead";
import { usePagedList } from "../shared/usePagedList";
import { AddAuthorityDialog } from "./AddAuthorityDialog";
import { principalMapLabel } from "./principal-map";
import { RemoveAuthorityDialog } from "./RemoveAuthorityDialog";
import { RevokeAuthorityDialog } from "./RevokeAuthorityDialog";

type Modal = { kind: "add" } | { kind: "revoke"; authority: Authority } | { kind: "remove"; authority: Authority } | null;

/** Admin: the OpenSSH certificate authorities whose user certificates sign in without an uploaded key. */
export function AuthoritiesPage() {
  useTitle("Certificate authorities");
  // One page holds every CA: few are ever trusted.
  const list = usePagedList(async (_cursor, signal) => ({ items: (await getAuthorities(signal)).authorities, nextCursor: null }), []);
  const { reload, updateItems } = list;
  const [modal, setModal] = useState<Modal>(null);
  const [flash, setFlash] = useFlash();
  /** A dialog's change is done: close it and say so. */
  const done = (message: string) => {
    setModal(null);
    setFlash(message);
  };
  const replace = (authority: Authority) => updateItems((items) => items.map((a) => (a.id === authority.id ? authority : a)));

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

      <PagedView
        list={list}
        errorTitle="The certificate authorities cannot be loaded"
        loadingLabel="Loading certificate authorities…"
        noun={["CA", "CAs"]}
        empty={
          <Empty title="No certificate authority is trusted">
            <p>
              Add the public key of the CA that signs your users' certificates (<code>ca.pub</code>), or run <code>passport-sshkey ca add ca.pub</code>.
            </p>
            <button type="button" className="button primary" onClick={() => setModal({ kind: "add" })}>
              Add CA
            </button>
          </Empty>
        }
      >
        <table className="responsive authorities-table">
          <TableHead caption="Certificate authorities" columns={["CA", "Fingerprint (SHA256)", "Principals from", "Added", "Last used", "Status"]} />
          <tbody>
            {list.items.map((ca) => (
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
                <AddedLastUsedCells createdAt={ca.createdAt} lastUsedAt={ca.lastUsedAt} />
                <td data-label="Status">
                  {ca.revokedAt ? <span className="badge status-revoked">Revoked</span> : <span className="badge status-active">Trusted</span>}
                  {ca.revocationCount > 0 ? <div className="sub">{ca.revocationCount === 1 ? "1 revocation" : `${ca.revocationCount} revocations`}</div> : null}
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
      </PagedView>

      {modal?.kind === "add" ? (
        <AddAuthorityDialog
          onClose={() => setModal(null)}
          onAdded={(ca) => {
            done(`Trusted ${ca.name}. Its certificates can sign in now.`);
            reload();
          }}
        />
      ) : null}
      {modal?.kind === "revoke" ? (
        <RevokeAuthorityDialog
          authority={modal.authority}
          onClose={() => setModal(null)}
          onRevoked={(ca, what) => {
            replace(ca);
            done(`Revoked ${what} of ${ca.name}.`);
          }}
        />
      ) : null}
      {modal?.kind === "remove" ? (
        <RemoveAuthorityDialog
          authority={modal.authority}
          onClose={() => setModal(null)}
          onRemoved={(name) => {
            updateItems((items) => items.filter((a) => a.name !== name));
            done(`Removed ${name}.`);
          }}
        />
      ) : null}
    </main>
  );
}
