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
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Release } from '@release-coordinator/backstage-plugin-common';
import { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { entityApiPath } from '../../api';
import { useReleases } from '../../hooks';
import { EntityTabCard } from '../EntityTabCard';
import { NewReleaseButton } from '../NewReleaseDialog';
import { ReleaseDetailsView } from '../ReleaseDetailsView';
import { ReleasePicker } from '../ReleasePicker';
import { ReleasesTable } from '../ReleasesTable';

/**
 * The "Release readiness" entity tab: one release of the entity (its
 * pipeline, checklist, approvals and audit trail), picked among its releases.
 */
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
  const { value: releases, loading, error, retry } = useReleases(entityRef);
  const [pickedId, setPickedId] = usePickedReleaseId();

  // A refresh after an action keeps the current view instead of a progress bar.
  if (loading && !releases) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const newRelease = (
    <NewReleaseButton
      entityRef={entityRef}
      environments={knownEnvironments(releases ?? [])}
      onCreated={details => {
        setPickedId(details.release.id);
        retry();
      }}
    />
  );
  if (!releases || releases.length === 0) {
    return <NoReleases entity={props.entity} newRelease={newRelease} />;
  }
  // The backend lists newest first: the default is the newest release, which
  // is also the latest of its environment. An unknown id falls back to it.
  const selectedId =
    releases.find(release => release.id === pickedId)?.id ?? releases[0].id;

  return (
    <>
      <Box mb={3} display="flex" alignItems="center" gridGap={16}>
        <ReleasePicker
          releases={releases}
          selectedReleaseId={selectedId}
          onSelect={setPickedId}
        />
        {newRelease}
      </Box>
      <ReleaseDetailsView
        key={selectedId}
        releaseId={selectedId}
        onChanged={retry}
      />
      <Box mt={3}>
        <ReleasesTable
          releases={releases}
          selectedReleaseId={selectedId}
          onSelect={setPickedId}
        />
      </Box>
    </>
  );
}

/**
 * The picked release lives in the URL (`?release=<id>`), so links from other
 * tabs and reloads open the same release.
 */
function usePickedReleaseId(): [string | null, (releaseId: string) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const setPickedId = (releaseId: string) =>
    setSearchParams(
      params => {
        params.set('release', releaseId);
        return params;
      },
      { replace: true },
    );
  return [searchParams.get('release'), setPickedId];
}

/** Environments to suggest for a new release: the usual two and those already used. */
function knownEnvironments(releases: Release[]): string[] {
  return [
    ...new Set([
      'staging',
      'production',
      ...releases.map(release => release.environment),
    ]),
  ];
}

function NoReleases(props: { entity: Entity; newRelease: ReactNode }) {
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
          Create one with <strong>New release</strong>, or from CI with{' '}
          <code>POST {releasesPath}</code>, one per version and environment.
        </>
      }
      action={
        <>
          <Box mb={2}>{props.newRelease}</Box>
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
