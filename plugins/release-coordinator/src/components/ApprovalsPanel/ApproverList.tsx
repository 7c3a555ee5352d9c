import Typography from '@material-ui/core/Typography';
import { ApproverInfo } from '@release-coordinator/backstage-plugin-common';
import { humanizeEntityRef, useEntity } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';

function groupName(ref: string): string {
  return humanizeEntityRef(parseEntityRef(ref, { defaultKind: 'group' }), {
    defaultKind: 'group',
  });
}

/**
 * "Who may approve": the environment's approver rules with `owner`
 * resolved to the entity's owner, the database-admin groups when one
 * approval must come from them, and who is excluded (separation of duties).
 */
export function ApproverList(props: { approvers: ApproverInfo }) {
  const { entity } = useEntity();
  const { rules, databaseAdminGroups, excluded } = props.approvers;
  const owner =
    typeof entity.spec?.owner === 'string' ? entity.spec.owner : undefined;
  const groups = rules.map(rule =>
    rule === 'owner'
      ? `${owner ? groupName(owner) : 'the owner'} (owner)`
      : groupName(rule),
  );

  return (
    <Typography
      variant="body2"
      color="textSecondary"
      component="div"
      aria-label="Who may approve"
    >
      May approve: members of{' '}
      {groups.length > 0 ? groups.join(', ') : 'no configured group'}
      {databaseAdminGroups.length > 0 &&
        `; one approval must come from ${databaseAdminGroups
          .map(groupName)
          .join(', ')} (database-admin)`}
      .
      {excluded.length > 0 &&
        ` Not ${excluded
          .map(ref =>
            humanizeEntityRef(parseEntityRef(ref), { defaultKind: 'user' }),
          )
          .join(', ')} (created the release or authored its commits).`}
    </Typography>
  );
}
