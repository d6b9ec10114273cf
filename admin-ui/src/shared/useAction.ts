import { useState } from "react";

/**
 * A dialog's one action: busy while it runs, its error kept for FormError. On success the
 * dialog stays busy, since its caller closes it.
 */
export function useAction(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return { busy, error, run: () => void run() };
}
