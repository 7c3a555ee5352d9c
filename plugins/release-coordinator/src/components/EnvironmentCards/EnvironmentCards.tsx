import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import {
  Deployment,
  EnvironmentSummary,
} from '@release-coordinator/backstage-plugin-common';
import { EnvironmentCard } from './EnvironmentCard';

/** Props of {@link EnvironmentCards}. */
export interface EnvironmentCardsProps {
  environments: EnvironmentSummary[];
  /** Per environment name: the staging deployment its current version came from. */
  promotedFrom?: Record<string, Deployment>;
  /** Buttons for one environment (e.g. rollback), shown in its card. */
  renderActions?: (summary: EnvironmentSummary) => ReactNode;
}

/** One card per environment, in the order the backend lists them. */
export function EnvironmentCards(props: EnvironmentCardsProps) {
  return (
    <Grid container spacing={2}>
      {props.environments.map(summary => (
        <Grid item xs={12} md={6} lg={4} key={summary.environment}>
          <EnvironmentCard
            summary={summary}
            promotedFrom={props.promotedFrom?.[summary.environment]}
            actions={props.renderActions?.(summary)}
          />
        </Grid>
      ))}
    </Grid>
  );
}
