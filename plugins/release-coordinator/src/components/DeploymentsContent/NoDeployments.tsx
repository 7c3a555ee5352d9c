import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { useEntityPresentation } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';

/** The empty Deployments tab: where deployments come from and how to push one. */
export function NoDeployments(props: { entity: Entity }) {
  const { primaryTitle } = useEntityPresentation(props.entity);
  const pushDeployment = [
    'curl -X POST "$BACKSTAGE_URL/api/release-coordinator/events/deployments" \\',
    '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d '{"entityRef": "${stringifyEntityRef(props.entity)}",`,
    '       "environment": "production", "source": "<your CI>", "externalId": "<run id>",',
    '       "version": "<version>", "commitSha": "<commit sha>", "kind": "deploy",',
    '       "status": "succeeded", "startedAt": "<ISO-8601>", "finishedAt": "<ISO-8601>"}\'',
  ].join('\n');

  return (
    <EmptyState
      missing="data"
      title={`No deployments of ${primaryTitle} yet`}
      description="Once deployments arrive, this tab lists them per environment, newest first (version, commit, status, duration, initiator and a link to the CI run), and shows which version runs in each environment."
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
