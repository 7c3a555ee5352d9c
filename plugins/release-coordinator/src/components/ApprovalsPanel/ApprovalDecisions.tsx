import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { Approval } from '@release-coordinator/backstage-plugin-common';
import { Timestamp } from '../Timestamp';

/** The decisions taken on a release: who, approve or reject, comment and time. */
export function ApprovalDecisions(props: { approvals: Approval[] }) {
  if (props.approvals.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No decisions yet.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Decisions">
      {props.approvals.map(approval => (
        <ListItem key={approval.id} disableGutters>
          <ListItemText
            primary={
              <>
                <Chip
                  size="small"
                  label={
                    approval.decision === 'approve' ? 'approved' : 'rejected'
                  }
                  color={
                    approval.decision === 'approve' ? 'primary' : 'secondary'
                  }
                  style={{ marginRight: 8 }}
                />
                {approval.approver}
              </>
            }
            secondary={
              <>
                {approval.comment && <>“{approval.comment}” · </>}
                <Timestamp iso={approval.decidedAt} />
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
