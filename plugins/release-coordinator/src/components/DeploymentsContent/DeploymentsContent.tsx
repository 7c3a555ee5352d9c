import { stringifyEntityRef } from '@backstage/catalog-model';
import { CodeSnippet, EmptyState } from '@backstage/core-components';
import {
  useEntity,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { EntityTabCard } from '../EntityTabCard';
import { RequireBackend } from '../RequireBackend';

/** The "Deployments" entity tab: deployment history per environment and rollback. */
export function DeploymentsContent() {
  return (
    <EntityTabCard title="Deployments" requireAnnotation>
      <RequireBackend>
        <DeploymentsNotShownYet />
      </RequireBackend>
    </EntityTabCard>
  );
}

function DeploymentsNotShownYet() {
  const { entity } = useEntity();
  const { primaryTitle } = useEntityPresentation(entity);
  const pushDeployment = [
    'curl -X POST "$BACKSTAGE_URL/api/release-coordinator/events/deployments" \\',
    '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d '{"entityRef": "${stringifyEntityRef(entity)}",`,
    '       "environment": "production", "source": "<your CI>", "externalId": "<run id>",',
    '       "version": "<version>", "commitSha": "<commit sha>", "kind": "deploy",',
    '       "status": "succeeded", "startedAt": "<ISO-8601>", "finishedAt": "<ISO-8601>"}\'',
  ].join('\n');

  return (
    <EmptyState
      missing="data"
      title={`The deployment history of ${primaryTitle} will appear here`}
      description="This tab will list every deployment per environment, newest first (version, commit, status, duration, initiator and a link to the CI run), show which version runs in each environment, and offer a rollback to the last known-good version."
      action={
        <>
          <Typography variant="body1" paragraph>
            Deployments come from the provider modules installed in the backend
            (GitHub, GitLab, Argo CD), which find this entity through its
            annotations, or are pushed by your pipeline to{' '}
            <code>POST /api/release-coordinator/events/deployments</code>.
          </Typography>
          <CodeSnippet language="bash" text={pushDeployment} />
        </>
      }
    />
  );
}
