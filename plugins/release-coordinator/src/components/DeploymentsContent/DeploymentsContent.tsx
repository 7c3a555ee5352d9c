import { useState } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Deployment } from '@release-coordinator/backstage-plugin-common';
import {
  DeploymentFilters,
  EntityEnvironments,
  useDeployments,
  useDeploymentsSignal,
  useEnvironments,
} from '../../hooks';
import {
  DeploymentFilterBar,
  DeploymentHistoryTable,
} from '../DeploymentHistoryTable';
import { EntityTabCard } from '../EntityTabCard';
import { EnvironmentCards } from '../EnvironmentCards';
import { ProviderSyncStatus } from '../ProviderSyncStatus';
import { EnvironmentRollback } from '../RollbackButton';
import { DemoDataBanner } from './DemoDataBanner';
import { NoDeployments } from './NoDeployments';

/** The "Deployments" entity tab: what runs where, and the deployment history. */
export function DeploymentsContent() {
  const { entity } = useEntity();
  return (
    <EntityTabCard title="Deployments" requireAnnotation>
      <EntityDeployments entity={entity} />
    </EntityTabCard>
  );
}

function EntityDeployments(props: { entity: Entity }) {
  const entityRef = stringifyEntityRef(props.entity);
  const [filters, setFilters] = useState<DeploymentFilters>({});
  const environments = useEnvironments(entityRef);
  const history = useDeployments({ entityRef, filters });
  const filtered = Boolean(filters.environment || filters.status);
  // Bumped on every refresh: the environment cards reload their rollback state.
  const [refreshKey, setRefreshKey] = useState(0);
  const refresh = () => {
    environments.retry();
    history.refresh();
    setRefreshKey(key => key + 1);
  };

  useDeploymentsSignal(entityRef, refresh);

  if (environments.error) {
    return <ResponseErrorPanel error={environments.error} />;
  }
  if (
    !environments.value ||
    (history.loading && history.items.length === 0 && !filtered)
  ) {
    return <Progress />;
  }
  const { sync } = environments.value;
  if (
    !filtered &&
    !history.loading &&
    !history.error &&
    history.items.length === 0
  ) {
    return (
      <>
        <NoDeployments entity={props.entity} />
        <ProviderSyncStatus sync={sync} />
      </>
    );
  }

  const environmentDeployments = currentAndLatest(environments.value);
  return (
    <>
      <DemoDataBanner
        deployments={[...environmentDeployments, ...history.items]}
      />
      <EnvironmentCards
        environments={environments.value.environments}
        promotedFrom={environments.value.promotedFrom}
        renderActions={summary => (
          <EnvironmentRollback
            entityRef={entityRef}
            environment={summary.environment}
            refreshKey={refreshKey}
            onChanged={refresh}
          />
        )}
      />
      <Box mt={2}>
        <ProviderSyncStatus sync={sync} />
      </Box>
      <Box mt={3}>
        <DeploymentFilterBar
          environments={environmentNames(environments.value, filters)}
          filters={filters}
          onChange={setFilters}
        />
        {history.error ? (
          <ResponseErrorPanel error={history.error} />
        ) : (
          <DeploymentHistoryTable
            deployments={history.items}
            relatedDeployments={environmentDeployments}
            loading={history.loading}
            emptyContent={
              <Box p={2}>
                <Typography variant="body2">
                  No deployments match these filters.
                </Typography>
              </Box>
            }
          />
        )}
        <LoadMore
          hasMore={history.hasMore && !history.error}
          loadingMore={history.loadingMore}
          error={history.loadMoreError}
          onLoadMore={history.loadMore}
        />
      </Box>
    </>
  );
}

function LoadMore(props: {
  hasMore: boolean;
  loadingMore: boolean;
  error?: Error;
  onLoadMore(): void;
}) {
  if (!props.hasMore) {
    return null;
  }
  return (
    <>
      {props.error && <ResponseErrorPanel error={props.error} />}
      <Box display="flex" justifyContent="center" mt={2}>
        <Button
          variant="outlined"
          onClick={props.onLoadMore}
          disabled={props.loadingMore}
        >
          {props.loadingMore ? 'Loading…' : 'Load more'}
        </Button>
      </Box>
    </>
  );
}

/** The deployments the environment cards show. */
function currentAndLatest(value: EntityEnvironments): Deployment[] {
  return value.environments.flatMap(summary =>
    [summary.current, summary.latest].filter(
      (deployment): deployment is Deployment => Boolean(deployment),
    ),
  );
}

/** The environments to filter by, keeping the selected one even if it is not listed. */
function environmentNames(
  value: EntityEnvironments,
  filters: DeploymentFilters,
): string[] {
  const names = value.environments.map(summary => summary.environment);
  if (filters.environment && !names.includes(filters.environment)) {
    names.push(filters.environment);
  }
  return names;
}
