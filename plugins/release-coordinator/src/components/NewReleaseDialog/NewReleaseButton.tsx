import { useState } from 'react';
import { useEntityPermission } from '@backstage/plugin-catalog-react/alpha';
import {
  ReleaseDetails,
  releaseCreatePermission,
} from '@release-coordinator/backstage-plugin-common';
import { GuardedButton } from '../GuardedButton';
import { NewReleaseDialog } from './NewReleaseDialog';

/** Props of {@link NewReleaseButton}. */
export interface NewReleaseButtonProps {
  entityRef: string;
  /** Environment names to suggest. */
  environments: string[];
  /** Called with the created release. */
  onCreated: (details: ReleaseDetails) => void;
}

/** "New release", guarded by the create permission, opening the New release dialog. */
export function NewReleaseButton(props: NewReleaseButtonProps) {
  const permission = useEntityPermission(releaseCreatePermission);
  const [open, setOpen] = useState(false);
  return (
    <>
      <GuardedButton
        variant="outlined"
        color="primary"
        permission={permission}
        deniedReason="You are not allowed to create releases of this entity"
        onClick={() => setOpen(true)}
      >
        New release
      </GuardedButton>
      {open && (
        <NewReleaseDialog
          entityRef={props.entityRef}
          environments={props.environments}
          onClose={() => setOpen(false)}
          onCreated={details => {
            setOpen(false);
            props.onCreated(details);
          }}
        />
      )}
    </>
  );
}
