import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { entityApiPath } from '../../api';
import { useReleases } from '../../hooks';
import { EntityTabCard } from '../EntityTabCard';
import { ReleasesTable } from '../ReleasesTable';

/** The "Release readiness" entity tab: the entity's releases, newest first. */
export function ReleaseReadinessContent() {
  const { entity } = useEntity();
  return (
    <EntityTabCard title="Release readiness" requireAnnotation>
      <EntityReleases entity={entity} />
    </EntityTabCard>
  );
}

function EntityReleases(props: { entity: Entity }) {
  const entityRef = stringifyEntityRef(props.entity);
  const { value: releases, loading, error } = useReleases(entityRef);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!releases || releases.length === 0) {
    return <NoReleases entity={props.entity} />;
  }
  return <ReleasesTable releases={releases} />;
}

function NoReleases(props: { entity: Entity }) {
  const { primaryTitle } = useEntityPresentation(props.entity);
  const releasesPath = `/api/release-coordinator${entityApiPath(
    stringifyEntityRef(props.entity),
  )}/releases`;
  const createRelease = [
    `curl -X POST "$BACKSTAGE_URL${releasesPath}" \\`,
    '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d '{"version": "<version>", "environment": "staging", "commitSha": "<commit sha>",`,
    `       "plan": {"strategy": "rolling", "zeroDowntime": false,`,
    `                "hasDatabaseMigrations": false, "hasConfigChanges": false}}'`,
  ].join('\n');

  return (
    <EmptyState
      missing="data"
      title={`No releases yet for ${primaryTitle}`}
      description={
        <>
          Releases are created from CI with <code>POST {releasesPath}</code>,
          one per version and environment.
        </>
      }
      action={
        <>
          <Typography variant="body1" paragraph>
            Each release then shows its pipeline stages (commit, tests, build,
            staging, production), its quality-gate checklist (tests, coverage,
            security, secret and image scans, migration, rollback and rollout
            plans) and the approvals it still needs before it may ship.
          </Typography>
          <CodeSnippet language="bash" text={createRelease} />
        </>
      }
    />
  );
}
