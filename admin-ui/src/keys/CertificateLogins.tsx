import { listCertificateLogins } from "../api/lists";
import { CertificateLabel } from "../shared/CertificateLabel";
import { EventsTable } from "../shared/EventsTable";
import { PagedView } from "../shared/PagedView";
import { usePagedList } from "../shared/usePagedList";

/**
 * A user's recent sign-ins with OpenSSH certificates (no uploaded key to list them under), and
 * the certificates refused for them. Shown only once there is one: most users never use a CA.
 */
export function CertificateLogins(props: { username: string; mine: boolean }) {
  const list = usePagedList((cursor, signal) => listCertificateLogins({ user: props.username, limit: 20, cursor }, signal), [props.username]);
  if (list.result.state !== "error" && list.items.length === 0) return null;
  return (
    <section className="card certificate-logins" aria-labelledby="certificate-logins-title">
      <div className="card-head">
        <h2 id="certificate-logins-title">Certificate logins</h2>
        <button type="button" className="button small" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">{props.mine ? "Your" : `${props.username}'s`} sign-ins with an OpenSSH certificate signed by a trusted CA, newest first.</p>
      <PagedView
        list={list}
        errorTitle="The certificate logins cannot be loaded"
        loadingLabel="Loading certificate logins…"
        noun={["login", "logins"]}
        loadMoreLabel="Load older logins"
        empty={null}
      >
        <EventsTable
          events={list.items}
          caption="Certificate logins, newest first"
          columns={[{ header: "Certificate", cell: (e) => (e.certificate ? <CertificateLabel certificate={e.certificate} /> : null) }]}
        />
      </PagedView>
    </section>
  );
}
