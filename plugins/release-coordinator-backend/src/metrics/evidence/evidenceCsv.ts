import { EvidenceRow } from '@release-coordinator/backstage-plugin-common';

/*
 * The CSV of `GET …/metrics/evidence?format=csv` (docs/metrics.md,
 * "Drill-down"): every row of the query (no pages), one column per field,
 * times in ISO-8601 UTC, durations in seconds.
 */

const COLUMNS: Record<EvidenceRow['type'], string[]> = {
  deployment: [
    'id',
    'entityRef',
    'version',
    'kind',
    'status',
    'startedAt',
    'finishedAt',
    'counted',
    'reason',
    'why',
    'failed',
    'changeFailure',
    'attributedTo',
    'rework',
    'reworkWhy',
    'reworkIncidentIds',
    'rollback',
    'rollbackOf',
    'durationSeconds',
    'link',
  ],
  incident: [
    'id',
    'entityRef',
    'title',
    'severity',
    'startedAt',
    'resolvedAt',
    'counted',
    'reason',
    'why',
    'recoverySeconds',
    'downtimeSeconds',
    'attributedDeploymentId',
    'link',
  ],
  commit: [
    'deploymentId',
    'entityRef',
    'version',
    'sha',
    'committedAt',
    'deploymentFinishedAt',
    'leadSeconds',
    'counted',
    'reason',
    'why',
  ],
  cost: [
    'entityRef',
    'date',
    'source',
    'amount',
    'currency',
    'counted',
    'reason',
    'why',
  ],
};

/** A CSV field: quoted when needed; a leading =, +, - or @ cannot start a formula. */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text: string;
  if (Array.isArray(value)) {
    text = value
      .map(v =>
        typeof v === 'object' && v !== null && 'type' in v && 'id' in v
          ? `${(v as { type: string }).type}:${(v as { id: string }).id}`
          : String(v),
      )
      .join(';');
  } else {
    text = String(value);
  }
  if (/^[=+\-@\t\r]/.test(text) && typeof value !== 'number') {
    text = `'${text}`;
  }
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV of the rows of one metric (all of one row type). */
export function evidenceCsv(type: EvidenceRow['type'], rows: EvidenceRow[]) {
  const columns = COLUMNS[type];
  const lines = [columns.join(',')];
  for (const row of rows) {
    const record = row as unknown as Record<string, unknown>;
    lines.push(columns.map(c => csvField(record[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The row type of a metric's drill-down. */
export function evidenceRowType(metric: string): EvidenceRow['type'] {
  switch (metric) {
    case 'leadTimeForChanges':
      return 'commit';
    case 'meanTimeToRecovery':
    case 'uptime':
      return 'incident';
    case 'infrastructureCost':
      return 'cost';
    default:
      return 'deployment';
  }
}
