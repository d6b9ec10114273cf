import { useState } from "react";
import type { User } from "../api/contract";
import { listUsers } from "../api/lists";
import { AddKeysDialog } from "../keys/AddKeysDialog";
import { useSession } from "../session/SessionContext";
import { PlusIcon } from "../shared/icons";
import { RelativeTime } from "../shared/RelativeTime";
import { Link, navigate, useLocation, useTitle } from "../shared/router";
import { PagedView } from "../shared/PagedView";
import { PageHead } from "../shared/PageHead";
import { SearchToolbar } from "../shared/SearchToolbar";
import { TableHead } from "../shared/TableHead";
import { Empty } from "../shared/states";
import { Flash, useFlash } from "../shared/flash";
import { usePagedList } from "../shared/usePagedList";
import { ConfirmUserDialog, type UserChange } from "./ConfirmUserDialog";
import { CreateUserDialog } from "./CreateUserDialog";
import { EmailUserDialog } from "./EmailUserDialog";
import { LdapStatusLine } from "./LdapStatusLine";

type Modal = { kind: "create" } | { kind: "email"; user: User } | { kind: "change"; user: User; change: UserChange } | { kind: "add-key"; user: User } | null;

export function UsersPage() {
  useTitle("Users");
  const { me } = useSession();
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const [modal, setModal] = useState<Modal>(null);
  const [flash, setFlash] = useFlash();
  const list = usePagedList((cursor, signal) => listUsers({ q: q || undefined, limit: 50, cursor }, signal), [q]);
  const { reload, updateItems } = list;

  // A changed user keeps the key count the list loaded.
  const replace = (user: User) => updateItems((users) => users.map((u) => (u.username === user.username ? { ...u, ...user } : u)));

  return (
    <main className="page" id="main">
      <PageHead title="Users" description="Who may sign in with SSH keys. Disabling a user refuses all their keys at once.">
        <button type="button" className="button primary" onClick={() => setModal({ kind: "create" })}>
          <PlusIcon /> New user
        </button>
      </PageHead>
      <Flash message={flash} />
      <LdapStatusLine />
      <SearchToolbar
        id="user-search"
        label="Search users"
        value={q}
        placeholder="Search by username…"
        onSearch={(text) => navigate(text ? `/users?q=${encodeURIComponent(text)}` : "/users", { replace: true })}
      />

      <PagedView
        list={list}
        errorTitle="The users cannot be loaded"
        loadingLabel="Loading users…"
        noun={["user", "users"]}
        empty={<Empty title={q ? `No user matches “${q}”` : "No users yet"} />}
      >
        <table className="responsive users-table">
          <TableHead caption="Users" columns={["User", "Role", "Status", { label: "Keys", num: true }, "Created"]} />
          <tbody>
            {list.items.map((user) => {
              const self = user.username === me.user.username;
              return (
                <tr key={user.id} data-username={user.username} className={user.disabled ? "row-disabled" : undefined}>
                  <td data-label="User">
                    <span className="user-cell">
                      <span className="avatar" aria-hidden="true">
                        {user.username.slice(0, 1).toUpperCase()}
                      </span>
                      <strong>{user.username}</strong>
                      {self ? <span className="badge">you</span> : null}
                      {user.origin === "ldap" ? (
                        <span className="badge ldap-badge" title="Created and kept in step by the LDAP sync">
                          LDAP
                        </span>
                      ) : null}
                    </span>
                    {user.email ? <span className="muted user-email">{user.email}</span> : null}
                  </td>
                  <td data-label="Role">{user.isAdmin ? <span className="badge role-admin">Admin</span> : <span className="muted">User</span>}</td>
                  <td data-label="Status">
                    {user.disabled ? <span className="badge status-revoked">Disabled</span> : <span className="badge status-active">Active</span>}
                  </td>
                  <td data-label="Keys" className="num">
                    <Link
                      to={`/keys?user=${encodeURIComponent(user.username)}`}
                      title={`Keys of ${user.username}`}
                      aria-label={`Keys of ${user.username}: ${user.keyCount ?? "unknown"}`}
                    >
                      {user.keyCount ?? "—"}
                    </Link>
                  </td>
                  <td data-label="Created">
                    <RelativeTime at={user.createdAt} disclose />
                  </td>
                  <td className="cell-actions">
                    <div className="actions">
                      <button
                        type="button"
                        className="button small"
                        onClick={() => setModal({ kind: "add-key", user })}
                        aria-label={`Add keys for ${user.username}`}
                      >
                        Add keys
                      </button>
                      <button
                        type="button"
                        className="button small subtle"
                        onClick={() => setModal({ kind: "email", user })}
                        aria-label={`E-mail for ${user.username}`}
                      >
                        E-mail
                      </button>
                      <button
                        type="button"
                        className="button small subtle"
                        disabled={self && user.isAdmin}
                        title={self ? "You cannot demote yourself" : undefined}
                        onClick={() => setModal({ kind: "change", user, change: user.isAdmin ? "demote" : "promote" })}
                        aria-label={`${user.isAdmin ? "Remove admin rights from" : "Make admin:"} ${user.username}`}
                      >
                        {user.isAdmin ? "Remove admin" : "Make admin"}
                      </button>
                      <button
                        type="button"
                        className={`button small ${user.disabled ? "" : "danger-outline"}`}
                        disabled={self}
                        title={self ? "You cannot disable yourself" : undefined}
                        onClick={() => setModal({ kind: "change", user, change: user.disabled ? "enable" : "disable" })}
                        aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.username}`}
                      >
                        {user.disabled ? "Enable" : "Disable"}
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </PagedView>

      {modal?.kind === "create" ? (
        <CreateUserDialog
          onClose={() => setModal(null)}
          onCreated={(user) => {
            setModal(null);
            setFlash(`Created ${user.username}. Add a key for them so they can sign in.`);
            reload();
          }}
        />
      ) : null}
      {modal?.kind === "change" ? (
        <ConfirmUserDialog
          user={modal.user}
          change={modal.change}
          onClose={() => setModal(null)}
          onDone={(user) => {
            setModal(null);
            replace(user);
            const verb = { disable: "Disabled", enable: "Enabled", promote: "Made admin:", demote: "Removed admin rights from" }[modal.change];
            setFlash(`${verb} ${user.username}.`);
          }}
        />
      ) : null}
      {modal?.kind === "email" ? (
        <EmailUserDialog
          user={modal.user}
          onClose={() => setModal(null)}
          onDone={(user) => {
            setModal(null);
            replace(user);
            setFlash(user.email ? `${user.username} is mailed at ${user.email}.` : `${user.username} is mailed nothing.`);
          }}
        />
      ) : null}
      {modal?.kind === "add-key" ? (
        <AddKeysDialog
          username={modal.user.username}
          onClose={() => setModal(null)}
          onAdded={(keys) => {
            setModal(null);
            setFlash(`Added ${keys.length === 1 ? "1 key" : `${keys.length} keys`} for ${modal.user.username}.`);
            reload();
          }}
        />
      ) : null}
    </main>
  );
}
