import { useCallback, useEffect, useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  EvidenceRow,
  MetricName,
  MetricsEvidenceResponse,
} from '@release-coordinator/backstage-plugin-common';
import { releaseCoordinatorApiRef } from '../../api';
import { formatDuration } from '../MetricCard/formatters';

/** Which rows a drill-down opens: the card's own query. */
export interface EvidenceQuery {
  entityRef: string;
  windowDays: number;
  environment: string;
  /** The `window.end` of the metrics the card shows: both count one window. */
  end: string;
}

/** Rows per page of the dialog. */
export const EVIDENCE_PAGE_SIZE = 50;

type Column = { label: string; cell: (row: EvidenceRow) => string };

const time = (value?: string) =>
  value ? value.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC') : '—';
const yes = (value: boolean | undefined) => (value ? 'yes' : '');

/** The columns of each row type (docs/metrics.md, "Drill-down"). */
function columnsOf(type: EvidenceRow['type']): Column[] {
  switch (type) {
    case 'commit':
      return [
        { label: 'Commit', cell: r => (r.type === 'commit' ? r.sha : '') },
        {
          label: 'Committed',
          cell: r => (r.type === 'commit' ? time(r.committedAt) : ''),
        },
        {
          label: 'Deployed (finished)',
          cell: r =>
            r.type === 'commit'
              ? `${r.version}, ${time(r.deploymentFinishedAt)}`
              : '',
        },
        {
          label: 'Lead time',
          cell: r => (r.type === 'commit' ? formatDuration(r.leadSeconds) : ''),
        },
      ];
    case 'incident':
      return [
        {
          label: 'Incident',
          cell: r => (r.type === 'incident' ? r.title : ''),
        },
        {
          label: 'Severity',
          cell: r => (r.type === 'incident' ? r.severity : ''),
        },
        {
          label: 'Started',
          cell: r => (r.type === 'incident' ? time(r.startedAt) : ''),
        },
        {
          label: 'Resolved',
          cell: r => (r.type === 'incident' ? time(r.resolvedAt) : ''),
        },
        {
          label: 'Duration counted',
          cell: r => {
            if (r.type !== 'incident') return '';
            const s = r.recoverySeconds ?? r.downtimeSeconds;
            return s === undefined ? '—' : formatDuration(s);
          },
        },
        {
          label: 'Attributed to deployment',
          cell: r =>
            r.type === 'incident' ? r.attributedDeploymentId ?? '—' : '',
        },
      ];
    case 'cost':
      return [
        { label: 'Day (UTC)', cell: r => (r.type === 'cost' ? r.date : '') },
        { label: 'Source', cell: r => (r.type === 'cost' ? r.source : '') },
        {
          label: 'Amount',
          cell: r => (r.type === 'cost' ? `${r.amount} ${r.currency}` : ''),
        },
      ];
    default:
      return [
        {
          label: 'Deployment',
          cell: r =>
            r.type === 'deployment' ? `${r.version} (${r.kind})` : '',
        },
        {
          label: 'Status',
          cell: r => (r.type === 'deployment' ? r.status : ''),
        },
        {
          label: 'Finished',
          cell: r => (r.type === 'deployment' ? time(r.finishedAt) : ''),
        },
        {
          label: 'Change failure',
          cell: r => (r.type === 'deployment' ? yes(r.changeFailure) : ''),
        },
        {
          label: 'Rework',
          cell: r => (r.type === 'deployment' ? yes(r.rework) : ''),
        },
      ];
  }
}

function entityColumn(): Column {
  return {
    label: 'Entity',
    cell: r => r.entityRef,
  };
}

/**
 * The rows behind one metric card (docs/metrics.md, "Drill-down"): a page
 * of rows, each counted or not and why, the recount, and every row as CSV.
 */
export function MetricEvidenceDialog(props: {
  open: boolean;
  onClose: () => void;
  metric: MetricName;
  title: string;
  query: EvidenceQuery;
}) {
  const { open, onClose, metric, title, query } = props;
  const api = useApi(releaseCoordinatorApiRef);
  // Cursors of the pages before the current one, and the current one.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const [page, setPage] = useState<{
    loading: boolean;
    error?: Error;
    value?: MetricsEvidenceResponse;
  }>({ loading: true });
  const [csvError, setCsvError] = useState<Error>();
  const cursor = cursors[cursors.length - 1];
  const { entityRef, windowDays, environment, end } = query;

  useEffect(() => {
    if (!open) return undefined;
    let cancelled = false;
    setPage(previous => ({ loading: true, value: previous.value }));
    api
      .getMetricsEvidence({
        entityRef,
        windowDays,
        environment,
        end,
        metric,
        cursor,
        limit: EVIDENCE_PAGE_SIZE,
      })
      .then(
        value => !cancelled && setPage({ loading: false, value }),
        error => !cancelled && setPage({ loading: false, error }),
      );
    return () => {
      cancelled = true;
    };
  }, [api, open, metric, entityRef, windowDays, environment, end, cursor]);

  const downloadCsv = useCallback(async () => {
    setCsvError(undefined);
    try {
      const csv = await api.getMetricsEvidenceCsv({ ...query, metric });
      const url = URL.createObjectURL(
        new Blob([csv], { type: 'text/csv;charset=utf-8' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = `${metric}-${query.windowDays}d-${query.environment}-evidence.csv`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    } catch (error) {
      setCsvError(error as Error);
    }
  }, [api, query, metric]);

  const value = page.value;
  const columns = value?.items.length
    ? [
        ...(value.memberEntityRefs ? [entityColumn()] : []),
        ...columnsOf(value.items[0].type),
      ]
    : [];
  const offset = (cursors.length - 1) * EVIDENCE_PAGE_SIZE;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="metric-evidence-title"
    >
      <DialogTitle id="metric-evidence-title">
        {title}: the rows behind the number
      </DialogTitle>
      <DialogContent>
        {page.loading && !value && <Progress />}
        {page.error && <ResponseErrorPanel error={page.error} />}
        {csvError && <ResponseErrorPanel error={csvError} />}
        {value && (
          <>
            <Typography variant="body2" paragraph>
              {value.counted} of {value.total} rows counted, window{' '}
              {time(value.window.start)} – {time(value.window.end)} (end
              exclusive), {value.environment}.
            </Typography>
            {value.items.length === 0 ? (
              <Typography variant="body2" color="textSecondary">
                No rows: nothing in this window is counted by this metric.
              </Typography>
            ) : (
              <Table size="small" aria-label={`Rows behind ${title}`}>
                <TableHead>
                  <TableRow>
                    {columns.map(c => (
                      <TableCell key={c.label}>{c.label}</TableCell>
                    ))}
                    <TableCell>Counted</TableCell>
                    <TableCell>Why</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {value.items.map((row, i) => (
                    <TableRow key={`${offset + i}`}>
                      {columns.map(c => (
                        <TableCell key={c.label}>{c.cell(row)}</TableCell>
                      ))}
                      <TableCell>{row.counted ? 'yes' : 'no'}</TableCell>
                      <TableCell>{row.why}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            {value.total > 0 && (
              <Typography variant="caption" color="textSecondary">
                Rows {offset + 1}–{offset + value.items.length} of {value.total}
              </Typography>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={downloadCsv} disabled={!value || value.total === 0}>
          Download CSV
        </Button>
        <Button
          onClick={() => setCursors(list => list.slice(0, -1))}
          disabled={cursors.length <= 1 || page.loading}
        >
          Previous page
        </Button>
        <Button
          onClick={() =>
            value?.nextCursor && setCursors(list => [...list, value.nextCursor])
          }
          disabled={!value?.nextCursor || page.loading}
        >
          Next page
        </Button>
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
