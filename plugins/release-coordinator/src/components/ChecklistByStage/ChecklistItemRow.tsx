import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { ChecklistItem } from '@release-coordinator/backstage-plugin-common';
import { ReleasePermissions } from '../../hooks/useReleasePermissions';
import { GuardedButton } from '../GuardedButton';
import { Timestamp } from '../Timestamp';
import { ChecklistStatusIcon } from './ChecklistStatusIcon';
import { EvidenceHint, EvidenceReportView } from './EvidenceReportView';

/** Props of {@link ChecklistItemRow}. */
export interface ChecklistItemRowProps {
  item: ChecklistItem;
  permissions: ReleasePermissions;
  onAttest: (item: ChecklistItem) => void;
  onWaive: (item: ChecklistItem) => void;
  /** For the command in the hint of an automatic item without evidence. */
  releaseId?: string;
}

/** Manual items are attested while pending, and again once an attestation expired. */
function isAttestable(item: ChecklistItem): boolean {
  return (
    item.kind === 'manual' &&
    (item.status === 'pending' || item.status === 'expired')
  );
}

/** Only web links become anchors; anything else (e.g. `javascript:`) stays text. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function Evidence(props: { item: ChecklistItem }) {
  const { evidence } = props.item;
  if (!evidence) {
    return null;
  }
  return (
    <Typography variant="body2" color="textSecondary">
      {evidence.url &&
        (isWebUrl(evidence.url) ? (
          <>
            <Link to={evidence.url}>
              {evidence.report ? 'full report' : 'evidence'}
            </Link>{' '}
          </>
        ) : (
          <>{evidence.url} </>
        ))}
      {evidence.value && <>{evidence.value} </>}
      {evidence.source && <>via {evidence.source} </>}
      {evidence.recordedBy && <>recorded by {evidence.recordedBy} </>}
      {evidence.recordedAt && (
        <>
          on <Timestamp iso={evidence.recordedAt} />
        </>
      )}
    </Typography>
  );
}

/** One gate of a release: status, evidence, who recorded it, and the attest / waive actions. */
export function ChecklistItemRow(props: ChecklistItemRowProps) {
  const { item, permissions } = props;
  return (
    <Box
      display="flex"
      alignItems="flex-start"
      py={1}
      gridGap={16}
      data-testid={`checklist-item-${item.id}`}
    >
      <Box minWidth={96}>
        <ChecklistStatusIcon status={item.status} />
      </Box>
      <Box flexGrow={1}>
        <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
          <Typography variant="body1">{item.title}</Typography>
          <Chip size="small" variant="outlined" label={item.kind} />
          {item.requiredRole && (
            <Chip
              size="small"
              variant="outlined"
              label={`role: ${item.requiredRole}`}
            />
          )}
        </Box>
        <Evidence item={item} />
        {item.evidence?.report && (
          <EvidenceReportView report={item.evidence.report} />
        )}
        <EvidenceHint item={item} releaseId={props.releaseId} />
        {item.status === 'waived' && item.waiverReason && (
          <Typography variant="body2">
            <strong>Waived: {item.waiverReason}</strong>
          </Typography>
        )}
        {item.status === 'expired' && (
          <Typography variant="body2" color="textSecondary">
            The attestation expired; attest it again.
          </Typography>
        )}
      </Box>
      {isAttestable(item) && (
        <GuardedButton
          size="small"
          variant="outlined"
          color="primary"
          permission={permissions.attest}
          deniedReason="You are not allowed to attest checklist items of this entity"
          onClick={() => props.onAttest(item)}
        >
          Attest
        </GuardedButton>
      )}
      {item.status === 'failed' && (
        <GuardedButton
          size="small"
          variant="outlined"
          permission={permissions.waive}
          deniedReason="You are not allowed to waive checklist items of this entity"
          onClick={() => props.onWaive(item)}
        >
          Waive
        </GuardedButton>
      )}
    </Box>
  );
}
