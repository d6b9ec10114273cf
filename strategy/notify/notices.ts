// What startNotifications loads with its first scan: the triggers that turn log entries and
// keys into notices, and the notifier that sends them.
export { Notifier } from "./notifier.js";
export { noticeOfAuditEntry } from "./triggers/audit-changes.js";
export { noticeOfAlarm, noticesOfFailures } from "./triggers/auth-events.js";
export { noticeOfKeyExpiry } from "./triggers/key-expiry.js";
