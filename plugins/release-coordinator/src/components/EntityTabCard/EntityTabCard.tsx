import { ReactNode } from 'react';
import { InfoCard } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { RELEASE_COORDINATOR_ANNOTATIONS } from '@release-coordinator/backstage-plugin-common';
import { isReleaseCoordinatorAvailable } from '../../isReleaseCoordinatorAvailable';

/** Props of {@link EntityTabCard}. */
export interface EntityTabCardProps {
  /** The tab's title, shown as the card heading. */
  title: string;
  /**
   * Show the missing-annotation state instead of the children when the entity
   * has none of the Release Coordinator annotations (docs/product.md §8).
   */
  requireAnnotation?: boolean;
  children: ReactNode;
}

/** The root of every Release Coordinator tab: a card headed by the tab title. */
export function EntityTabCard(props: EntityTabCardProps) {
  const { entity } = useEntity();
  const missingAnnotation =
    props.requireAnnotation && !isReleaseCoordinatorAvailable(entity);

  return (
    <InfoCard title={props.title}>
      {missingAnnotation ? (
        <>
          <Typography variant="body1" paragraph>
            Release Coordinator finds this entity's deployments, incidents and
            costs through its annotations. Any one of the annotations below is
            enough.
          </Typography>
          <MissingAnnotationEmptyState
            annotation={[...RELEASE_COORDINATOR_ANNOTATIONS]}
          />
        </>
      ) : (
        props.children
      )}
    </InfoCard>
  );
}
