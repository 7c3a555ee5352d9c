import { useCallback, useEffect, useRef } from 'react';

/**
 * A stable function that calls `callback` once, `delayMs` after the first
 * of any number of calls in between: a burst of signals (a batch of
 * deployments to many entities) reloads once, with what the burst left.
 */
export function useCoalesced(
  callback: () => void,
  delayMs: number,
): () => void {
  const callbackRef = useRef(callback);
  callbackRef.current = callback;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(
    () => () => {
      if (timer.current !== undefined) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      callbackRef.current();
    }, delayMs);
  }, [delayMs]);
}
