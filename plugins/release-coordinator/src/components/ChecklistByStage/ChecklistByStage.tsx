import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import {
  ChecklistItem,
  PIPELINE_STAGES,
} from '@release-coordinator/backstage-plugin-common';
import { ReleasePermissions } from '../../hooks/useReleasePermissions';
import { AttestDialog } from '../AttestDialog';
import { WaiveDialog } from '../WaiveDialog';
import { ChecklistItemRow } from './ChecklistItemRow';

/** Props of {@link ChecklistByStage}. */
export interface ChecklistByStageProps {
  releaseId: string;
  checklist: ChecklistItem[];
  permissions: ReleasePermissions;
  /** Called after an item was attested or waived. */
  onChanged: () => void;
}

/** The quality-gate checklist of a release, grouped by pipeline stage, with the attest and waive dialogs. */
export function ChecklistByStage(props: ChecklistByStageProps) {
  const [attesting, setAttesting] = useState<ChecklistItem>();
  const [waiving, setWaiving] = useState<ChecklistItem>();

  if (props.checklist.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No checklist items apply to this release.
      </Typography>
    );
  }

  return (
    <>
      {PIPELINE_STAGES.map(stage => {
        const items = props.checklist.filter(item => item.stage === stage);
        if (items.length === 0) {
          return null;
        }
        return (
          <Box
            key={stage}
            component="section"
            aria-label={`${stage} gates`}
            mb={2}
          >
            <Typography variant="overline" component="h4">
              {stage}
            </Typography>
            <Divider />
            {items.map(item => (
              <ChecklistItemRow
                key={item.id}
                item={item}
                permissions={props.permissions}
                releaseId={props.releaseId}
                onAttest={setAttesting}
                onWaive={setWaiving}
              />
            ))}
          </Box>
        );
      })}
      {attesting && (
        <AttestDialog
          releaseId={props.releaseId}
          item={attesting}
          onClose={() => setAttesting(undefined)}
          onDone={() => {
            setAttesting(undefined);
            props.onChanged();
          }}
        />
      )}
      {waiving && (
        <WaiveDialog
          releaseId={props.releaseId}
          item={waiving}
          onClose={() => setWaiving(undefined)}
          onDone={() => {
            setWaiving(undefined);
            props.onChanged();
          }}
        />
      )}
    </>
  );
}
