import { useCallback, useEffect, useRef, useState } from "react";

export type Load<T> = { state: "loading"; data?: T | undefined } | { state: "ready"; data: T } | { state: "error"; error: unknown; data?: T | undefined };

/** Runs `load` whenever `deps` change (aborting the previous run); `reload()` runs it again. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): [Load<T>, () => void, (update: (data: T) => T) => void] {
  const [result, setResult] = useState<Load<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setResult((previous) => ({ state: "loading", data: previous.data }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResult({ state: "ready", data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setResult((previous) => ({ state: "error", error, data: previous.data }));
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const update = useCallback((fn: (data: T) => T) => {
    setResult((previous) => (previous.data === undefined ? previous : ({ ...previous, data: fn(previous.data) } as Load<T>)));
  }, []);
  return [result, reload, update];
}
