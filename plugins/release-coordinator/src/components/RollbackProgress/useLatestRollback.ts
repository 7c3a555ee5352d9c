import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Rollback } from '@release-coordinator/backstage-plugin-common';
import useAsync from 'react-use/esm/useAsync';
import { releaseCoordinatorApiRef } from '../../api';
import { isRollbackActive } from './rollbackInitiator';

/** How often an active rollback is polled when no signal arrives. */
export const ROLLBACK_POLL_INTERVAL_MS = 3000;

/** Options of {@link useLatestRollback}. */
export interface UseLatestRollbackOptions {
  entityRef: string;
  environment: string;
  /** Changes when the tab refreshes (signal, new rollback): reloads. */
  refreshKey?: number;
  /** Called once a followed rollback reaches a final state. */
  onSettled?: () => void;
  pollIntervalMs?: number;
}

/**
 * The newest rollback of one environment, followed while it is active: the
 * tab refreshes on the backend's deployment signals, and this polls
 * `GET /rollbacks/:id` as the fallback for apps without signals.
 * `track` shows a rollback just created before the list has it.
 */
export function useLatestRollback(options: UseLatestRollbackOptions) {
  const {
    entityRef,
    environment,
    refreshKey,
    pollIntervalMs = ROLLBACK_POLL_INTERVAL_MS,
  } = options;
  const api = useApi(releaseCoordinatorApiRef);
  const onSettledRef = useRef(options.onSettled);
  onSettledRef.current = options.onSettled;

  const latest = useAsync(async () => {
    const page = await api.listRollbacks({ entityRef, environment, limit: 1 });
    return page.items[0];
  }, [api, entityRef, environment, refreshKey]);

  const [rollback, setRollback] = useState<Rollback | undefined>();
  useEffect(() => {
    if (latest.value) {
      setRollback(latest.value);
    }
  }, [latest.value]);

  // Counts the polls: each one re-arms the timer, whatever it returned.
  const [polls, setPolls] = useState(0);
  const followedId =
    rollback && isRollbackActive(rollback) ? rollback.id : undefined;
  useEffect(() => {
    if (!followedId) {
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const next = await api.getRollback(followedId);
        if (cancelled) {
          return;
        }
        setRollback(next);
        if (!isRollbackActive(next)) {
          onSettledRef.current?.();
        }
      } catch {
        // A failed poll is retried at the next interval.
      }
      if (!cancelled) {
        setPolls(count => count + 1);
      }
    }, pollIntervalMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, followedId, polls, pollIntervalMs]);

  const track = useCallback((created: Rollback) => setRollback(created), []);

  return { rollback, error: latest.error, track };
}
