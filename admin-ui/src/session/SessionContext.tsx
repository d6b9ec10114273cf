import { createContext, useContext } from "react";
import type { Me } from "../api/contract";

export interface Session {
  me: Me;
  /** Rejects (and the user stays signed in) when the server did not end the session. */
  signOut: () => Promise<void>;
  /** Why the session ended while the console stayed open (null: it is alive); the page stays, see SessionEnded. */
  ended: string | null;
  /** After signing in again elsewhere: picks up the new session (and its CSRF token) here. */
  resume: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in console");
  return session;
}
