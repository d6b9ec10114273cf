import { getLdapStatus } from "../api/getLdapStatus";
import { RelativeTime } from "../shared/RelativeTime";
import { useLoad } from "../shared/useLoad";

/** One line about the LDAP sync, for administrators; nothing when the server does not sync from LDAP. */
export function LdapStatusLine() {
  const [result] = useLoad((signal) => getLdapStatus(signal), []);
  const status = result.state === "ready" ? result.data.status : null;
  if (!status) return null;
  return (
    <div className={`callout ldap-status${status.lastError ? " danger" : ""}`} role="status" data-testid="ldap-status">
      <p>
        LDAP sync: last run <RelativeTime at={status.lastRunAt} />
        {status.lastError ? (
          <>
            {" "}
            failed: {status.lastError}. Users and keys from LDAP are kept as they were until a sync succeeds
            {status.lastSuccessAt ? (
              <>
                {" "}
                (last success <RelativeTime at={status.lastSuccessAt} />)
              </>
            ) : null}
            .
          </>
        ) : (
          <>
            {" "}
            succeeded: {status.entries ?? 0} entries, {status.added ?? 0} keys added, {status.removed ?? 0} removed, {status.skipped.length} skipped.
          </>
        )}
      </p>
    </div>
  );
}
