import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';

/**
 * Calls `onSignal` whenever a message arrives on the signal channel. Without
 * the signals plugin installed in the app it does nothing (`useSignal` then
 * subscribes to nothing), so callers need no guard of their own.
 */
export function useSignalRefresh(channel: string, onSignal: () => void) {
  const { lastSignal } = useSignal(channel);
  // The latest callback, without resubscribing when it changes identity.
  const onSignalRef = useRef(onSignal);
  onSignalRef.current = onSignal;

  useEffect(() => {
    if (lastSignal) {
      onSignalRef.current();
    }
  }, [lastSignal]);
}
