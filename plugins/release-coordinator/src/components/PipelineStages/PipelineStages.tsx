import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import {
  PIPELINE_STAGES,
  ReleaseStage,
  StageStatus,
} from '@release-coordinator/backstage-plugin-common';
import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';

function StageIcon(props: { status: StageStatus }) {
  switch (props.status) {
    case 'passed':
      return <StatusOK />;
    case 'failed':
      return <StatusError />;
    default:
      return <StatusPending />;
  }
}

/** The commit → tests → build → staging → production pipeline of a release, with each stage's status. */
export function PipelineStages(props: { stages: ReleaseStage[] }) {
  const stages = [...props.stages].sort(
    (a, b) =>
      PIPELINE_STAGES.indexOf(a.stage) - PIPELINE_STAGES.indexOf(b.stage),
  );
  return (
    <Stepper alternativeLabel nonLinear aria-label="Pipeline stages">
      {stages.map(stage => (
        <Step
          key={stage.stage}
          completed={stage.status === 'passed'}
          data-testid={`stage-${stage.stage}`}
        >
          <StepLabel
            error={stage.status === 'failed'}
            icon={<StageIcon status={stage.status} />}
            optional={
              <Typography variant="caption" display="block" align="center">
                {stage.status}
              </Typography>
            }
          >
            {stage.stage}
          </StepLabel>
        </Step>
      ))}
    </Stepper>
  );
}
