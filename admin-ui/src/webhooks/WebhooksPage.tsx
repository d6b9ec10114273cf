import { useState, type FormEvent } from "react";
import type { Webhook } from "../api/contract";
import { addWebhook, getDeliveries, getWebhooks, removeWebhook } from "../api/webhooks";
import { CopyButton } from "../shared/CopyButton";
import { Flash, useFlash } from "../shared/flash";
import { PageHead } from "../shared/PageHead";
import { RelativeTime } from "../shared/RelativeTime";
import { useTitle } from "../shared/router";
import { Empty, ErrorBox, FormError, Loading } from "../shared/states";
import { TableHead } from "../shared/TableHead";
import { useAction } from "../shared/useAction";
import { useLoad } from "../shared/useLoad";

const statusBadge = { delivered: "status-active", pending: "status-expiring", failed: "status-revoked" } as const;

/** One webhook's recent deliveries, newest first: what the receiver answered and what happens next. */
function Deliveries(props: { webhook: Webhook }) {
  const [load, reload] = useLoad((signal) => getDeliveries(props.webhook.id, signal), [props.webhook.id]);
  return (
    <section aria-label={`Deliveries to ${props.webhook.url}`}>
      <h2>
        Recent deliveries to <code>{props.webhook.url}</code>{" "}
        <button type="button" className="button subtle small" onClick={reload}>
          Refresh
        </button>
      </h2>
      {load.state === "error" ? <ErrorBox error={load.error} title="The deliveries cannot be loaded" retry={reload} /> : null}
      {!load.data ? (
        <Loading label="Loading deliveries…" />
      ) : load.data.deliveries.length === 0 ? (
        <p>Nothing sent yet: deliveries appear here when a key is added, revoked, expires…</p>
      ) : (
        <table className="responsive">
          <TableHead caption="Deliveries" columns={["Event", "Status", "Attempts", "Last answer", "Created"]} />
          <tbody>
            {load.data.deliveries.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td data-label="Event">
                  <code>{d.event}</code>
                </td>
                <td data-label="Status">
                  <span className={`badge ${statusBadge[d.status]}`}>{d.status}</span>
                  {d.status === "pending" && d.nextAttemptAt ? (
                    <div className="sub">
                      next try <RelativeTime at={d.nextAttemptAt} />
                    </div>
                  ) : null}
                </td>
                <td data-label="Attempts">{d.attempts}</td>
                <td data-label="Last answer">{d.lastError ?? (d.responseStatus ? `HTTP ${d.responseStatus}` : "—")}</td>
                <td data-label="Created">
                  <RelativeTime at={d.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Admin: where signed notifications are POSTed, and what became of them. */
export function WebhooksPage() {
  useTitle("Webhooks");
  const [load, reload] = useLoad((signal) => getWebhooks(signal), []);
  const [flash, setFlash] = useFlash();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("*");
  const [secret, setSecret] = useState<string | null>(null);
  const [shown, setShown] = useState<Webhook | null>(null);
  const add = useAction(async () => {
    const added = await addWebhook({ url: url.trim(), events: events.trim() || "*" });
    setSecret(added.secret);
    setUrl("");
    setFlash(`Added a webhook for ${added.webhook.url}.`);
    reload();
  });
  const remove = async (webhook: Webhook) => {
    await removeWebhook(webhook.id);
    if (shown?.id === webhook.id) setShown(null);
    setFlash(`Removed the webhook for ${webhook.url}.`);
    reload();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.run();
  };

  return (
    <main className="page" id="main">
      <PageHead
        title="Webhooks"
        description="URLs that receive a signed JSON POST when a key is added, revoked, deleted, expiring or expired, and on security alarms."
      >
        {null}
      </PageHead>
      <Flash message={flash} />
      {secret ? (
        <div className="callout" role="status">
          <p>
            Signing secret (shown once; the receiver checks <code>X-PassportSSHKey-Signature</code> with it): <code data-testid="webhook-secret">{secret}</code>
          </p>
          <CopyButton text={secret} label="Copy secret" />
        </div>
      ) : null}

      <form className="inline-form" onSubmit={submit} aria-label="Add webhook">
        <label className="field">
          <span className="label">Webhook URL</span>
          <input
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
            maxLength={2048}
            placeholder="https://hooks.example.com/keys"
            autoComplete="off"
          />
        </label>
        <label className="field">
          <span className="label">Events</span>
          <input value={events} onChange={(e) => setEvents(e.target.value)} maxLength={500} placeholder="* or key.added,key.revoked" autoComplete="off" />
        </label>
        <button type="submit" className="button primary" disabled={add.busy || !url.trim()}>
          Add webhook
        </button>
        <FormError error={add.error} />
      </form>

      {load.state === "error" ? <ErrorBox error={load.error} title="The webhooks cannot be loaded" retry={reload} /> : null}
      {!load.data ? (
        <Loading label="Loading webhooks…" />
      ) : load.data.webhooks.length === 0 ? (
        <Empty title="No webhook yet">
          <p>
            Add a URL above, or run <code>passport-sshkey webhooks add URL</code>.
          </p>
        </Empty>
      ) : (
        <table className="responsive">
          <TableHead caption="Webhooks" columns={["URL", "Events", "Added"]} />
          <tbody>
            {load.data.webhooks.map((w) => (
              <tr key={w.id} data-webhook={w.url}>
                <td data-label="URL">
                  <code>{w.url}</code>
                </td>
                <td data-label="Events">{w.events === "*" ? "all" : w.events.join(", ")}</td>
                <td data-label="Added">
                  <RelativeTime at={w.createdAt} />
                </td>
                <td className="cell-actions">
                  <div className="actions">
                    <button type="button" className="button small" onClick={() => setShown(w)} aria-label={`Deliveries to ${w.url}`}>
                      Deliveries
                    </button>
                    <button type="button" className="button small danger-outline" onClick={() => void remove(w)} aria-label={`Remove ${w.url}`}>
                      Remove
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown ? <Deliveries webhook={shown} /> : null}
    </main>
  );
}
