/**
 * Where a pull of one stream (the Deployments API, or one deploy workflow)
 * stopped. GitHub ids grow over time, so "newer than the cursor" is "id
 * greater than `newestId`"; items that were not finished yet are re-read
 * on the next pull until they are.
 */
export interface StreamCursor {
  /** Greatest deployment or run id seen. */
  newestId?: number;
  /** Ids still queued or in progress at the last pull. */
  openIds: number[];
  /** Per environment, the newest succeeded deployment: the compare base. */
  lastSucceeded: Record<string, { id: number; sha: string }>;
}

/** The cursor the provider stores per entity: one stream cursor per key. */
export interface GithubPullCursor {
  version: 1;
  streams: Record<string, StreamCursor>;
}

/** Most unfinished items re-read per stream and pull. */
export const MAX_OPEN_IDS = 50;

export function emptyStreamCursor(): StreamCursor {
  return { openIds: [], lastSucceeded: {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseStream(value: unknown): StreamCursor | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const { newestId, openIds, lastSucceeded } = value;
  if (
    (newestId !== undefined && typeof newestId !== 'number') ||
    !Array.isArray(openIds) ||
    !openIds.every(id => typeof id === 'number') ||
    !isRecord(lastSucceeded)
  ) {
    return undefined;
  }
  const bases: StreamCursor['lastSucceeded'] = {};
  for (const [environment, base] of Object.entries(lastSucceeded)) {
    if (
      isRecord(base) &&
      typeof base.id === 'number' &&
      typeof base.sha === 'string'
    ) {
      bases[environment] = { id: base.id, sha: base.sha };
    }
  }
  return {
    ...(newestId !== undefined && { newestId }),
    openIds: openIds as number[],
    lastSucceeded: bases,
  };
}

/**
 * Reads a stored cursor; anything unreadable (e.g. from an older format)
 * starts over, which is safe because deployments are upserted.
 */
export function parseGithubPullCursor(
  cursor: string | undefined,
): GithubPullCursor {
  const empty: GithubPullCursor = { version: 1, streams: {} };
  if (!cursor) {
    return empty;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    return empty;
  }
  if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.streams)) {
    return empty;
  }
  const streams: Record<string, StreamCursor> = {};
  for (const [key, value] of Object.entries(parsed.streams)) {
    const stream = parseStream(value);
    if (stream) {
      streams[key] = stream;
    }
  }
  return { version: 1, streams };
}
