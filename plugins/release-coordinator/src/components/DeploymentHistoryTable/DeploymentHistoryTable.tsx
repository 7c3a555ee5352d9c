import { ReactNode, useMemo } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import { DateTime } from 'luxon';
import { CommitLink } from '../CommitLink';
import { DeploymentStatusLabel } from '../DeploymentStatusLabel';
import { DeploymentKindLabel } from './DeploymentKindLabel';
import { formatDuration } from './formatDuration';
import { useReleaseLink } from './useReleaseLink';

/** Props of {@link DeploymentHistoryTable}. */
export interface DeploymentHistoryTableProps {
  /** The rows, newest first, as the backend returned them. */
  deployments: Deployment[];
  /** Other deployments known on screen, to name what a rollback rolled back. */
  relatedDeployments?: Deployment[];
  /** The rows are being replaced (filter change, refresh). */
  loading?: boolean;
  /** Shown above the table, e.g. the filters. */
  toolbar?: ReactNode;
  /** Shown instead of rows when there are none. */
  emptyContent?: ReactNode;
}

/** The deployment history of one entity: one row per deployment attempt. */
export function DeploymentHistoryTable(props: DeploymentHistoryTableProps) {
  const { deployments, relatedDeployments } = props;
  const releaseLink = useReleaseLink();
  const columns = useMemo(() => {
    const byId = new Map<string, Deployment>();
    for (const deployment of [...(relatedDeployments ?? []), ...deployments]) {
      byId.set(deployment.id, deployment);
    }
    return historyColumns({ byId, releaseLink });
  }, [deployments, relatedDeployments, releaseLink]);

  return (
    <>
      {props.toolbar}
      <Table<Deployment>
        title="History"
        columns={columns}
        // material-table writes bookkeeping into the row objects: give it copies.
        data={deployments.map(deployment => ({ ...deployment }))}
        isLoading={props.loading}
        emptyContent={props.emptyContent}
        options={{
          search: false,
          sorting: false,
          paging: false,
          padding: 'dense',
          toolbar: true,
        }}
      />
    </>
  );
}

function historyColumns(options: {
  byId: Map<string, Deployment>;
  releaseLink?: (releaseId: string) => string;
}): TableColumn<Deployment>[] {
  const { byId, releaseLink } = options;
  return [
    { title: 'Version', field: 'version', highlight: true },
    { title: 'Environment', field: 'environment' },
    {
      title: 'Status',
      field: 'status',
      render: deployment => (
        <DeploymentStatusLabel status={deployment.status} />
      ),
    },
    {
      title: 'Kind',
      field: 'kind',
      render: deployment => (
        <DeploymentKindLabel
          deployment={deployment}
          rolledBack={
            deployment.rollbackOf ? byId.get(deployment.rollbackOf) : undefined
          }
        />
      ),
    },
    {
      title: 'Commit',
      field: 'commitSha',
      render: deployment => <CommitCell deployment={deployment} />,
    },
    {
      title: 'Started',
      field: 'startedAt',
      render: deployment =>
        deployment.startedAt
          ? DateTime.fromISO(deployment.startedAt).toLocaleString(
              DateTime.DATETIME_MED,
            )
          : '—',
    },
    {
      title: 'Duration',
      render: deployment =>
        formatDuration(deployment.startedAt, deployment.finishedAt) ?? '—',
    },
    {
      title: 'Initiator',
      field: 'initiator',
      render: deployment => deployment.initiator ?? '—',
    },
    {
      title: 'Links',
      render: deployment => (
        <>
          {deployment.url && (
            <Typography variant="body2">
              <Link to={deployment.url}>CI run</Link>
            </Typography>
          )}
          {deployment.releaseId && (
            <Typography variant="body2">
              {releaseLink ? (
                <Link to={releaseLink(deployment.releaseId)}>Release</Link>
              ) : (
                `Release ${deployment.releaseId}`
              )}
            </Typography>
          )}
        </>
      ),
    },
  ];
}

function CommitCell(props: { deployment: Deployment }) {
  const { commitSha, commits } = props.deployment;
  if (!commitSha) {
    return <>—</>;
  }
  return (
    <>
      <CommitLink sha={commitSha} />
      {commits.length > 0 && (
        <Typography variant="caption" display="block">
          {commits.length === 1 ? '1 commit' : `${commits.length} commits`}
        </Typography>
      )}
    </>
  );
}
