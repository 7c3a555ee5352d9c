import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Deployment,
  DeploymentStatus,
} from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../api';

/** Server-side filters of the deployment history. */
export interface DeploymentFilters {
  environment?: string;
  status?: DeploymentStatus;
}

/** The deployment history of one entity as loaded so far, page by page. */
export interface DeploymentHistory {
  /** Every deployment loaded so far, newest first. */
  items: Deployment[];
  /** The first page is loading (initially, after a filter change or a refresh). */
  loading: boolean;
  /** Why the first page failed to load. */
  error?: Error;
  /** The backend has more pages. */
  hasMore: boolean;
  /** The next page is loading. */
  loadingMore: boolean;
  /** Why the last attempt to load the next page failed. */
  loadMoreError?: Error;
  /** Appends the next page; does nothing while a page is loading or when there is none. */
  loadMore(): void;
  /** Loads the first page again, keeping the current rows on screen until it arrives. */
  refresh(): void;
}

interface HistoryState {
  items: Deployment[];
  nextCursor?: string;
  loading: boolean;
  error?: Error;
  loadingMore: boolean;
  loadMoreError?: Error;
}

/** Rows per page of the history. */
export const DEPLOYMENTS_PAGE_SIZE = 25;

/**
 * Loads the deployment history of one entity, newest first, with cursor
 * pagination. A filter change or a refresh starts again from the first page;
 * answers to requests made before it are dropped, so a slow old page never
 * overwrites a newer one.
 */
export function useDeployments(options: {
  entityRef: string;
  filters: DeploymentFilters;
  pageSize?: number;
}): DeploymentHistory {
  const api = useApi(releaseCoordinatorApiRef);
  const { entityRef, pageSize = DEPLOYMENTS_PAGE_SIZE } = options;
  const { environment, status } = options.filters;
  const [state, setState] = useState<HistoryState>({
    items: [],
    loading: true,
    loadingMore: false,
  });
  // Bumped by every first-page load: a next page asked for under an older
  // generation belongs to other filters and is dropped.
  const generation = useRef(0);
  const [refreshCount, setRefreshCount] = useState(0);

  useEffect(() => {
    // False once the filters change again or the component unmounts.
    let active = true;
    generation.current++;
    setState(previous => ({
      ...previous,
      loading: true,
      error: undefined,
      loadingMore: false,
      loadMoreError: undefined,
    }));
    api
      .listDeployments({ entityRef, environment, status, limit: pageSize })
      .then(
        page => {
          if (active) {
            setState({
              items: page.items,
              nextCursor: page.nextCursor,
              loading: false,
              loadingMore: false,
            });
          }
        },
        error => {
          if (active) {
            setState({
              items: [],
              loading: false,
              error: toError(error),
              loadingMore: false,
            });
          }
        },
      );
    return () => {
      active = false;
    };
  }, [api, entityRef, environment, status, pageSize, refreshCount]);

  const loadMore = useCallback(() => {
    const { nextCursor, loading, loadingMore } = state;
    if (!nextCursor || loading || loadingMore) {
      return;
    }
    const current = generation.current;
    setState(previous => ({
      ...previous,
      loadingMore: true,
      loadMoreError: undefined,
    }));
    api
      .listDeployments({
        entityRef,
        environment,
        status,
        limit: pageSize,
        cursor: nextCursor,
      })
      .then(
        page => {
          if (current === generation.current) {
            setState(previous => ({
              ...previous,
              items: appendNew(previous.items, page.items),
              nextCursor: page.nextCursor,
              loadingMore: false,
            }));
          }
        },
        error => {
          if (current === generation.current) {
            setState(previous => ({
              ...previous,
              loadingMore: false,
              loadMoreError: toError(error),
            }));
          }
        },
      );
  }, [api, entityRef, environment, status, pageSize, state]);

  const refresh = useCallback(() => setRefreshCount(count => count + 1), []);

  return {
    items: state.items,
    loading: state.loading,
    error: state.error,
    hasMore: Boolean(state.nextCursor),
    loadingMore: state.loadingMore,
    loadMoreError: state.loadMoreError,
    loadMore,
    refresh,
  };
}

/** Appends a page, skipping rows already shown (a row can move between pages when new deployments arrive). */
function appendNew(shown: Deployment[], page: Deployment[]): Deployment[] {
  const shownIds = new Set(shown.map(deployment => deployment.id));
  return [...shown, ...page.filter(deployment => !shownIds.has(deployment.id))];
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
