import type { EventSink } from "../store/ports.js";

/** The log's scheme for sign-ins to the console itself, so they are their own kind beside the application's logins. */
const consoleSignInScheme = "console";

/**
 * The console's sign-in strategy verifies JWTs like any other, but its events are console
 * sign-ins: the sink relabels them (the event stays one per attempt, refusals included).
 */
export function consoleSignInEvents(events: EventSink): EventSink {
  return {
    record: (event) => events.record({ ...event, scheme: consoleSignInScheme }),
    flush: () => events.flush(),
  };
}
