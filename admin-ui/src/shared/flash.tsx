import { useEffect, useState } from "react";

/** A short confirmation ("Added 2 keys.") that clears itself after six seconds. */
export function useFlash(): [string | null, (message: string | null) => void] {
  const [flash, setFlash] = useState<string | null>(null);
  useEffect(() => {
    if (!flash) return;
    const timer = window.setTimeout(() => setFlash(null), 6000);
    return () => window.clearTimeout(timer);
  }, [flash]);
  return [flash, setFlash];
}

export function Flash({ message }: { message: string | null }) {
  return message ? (
    <p className="flash" role="status">
      {message}
    </p>
  ) : null;
}
