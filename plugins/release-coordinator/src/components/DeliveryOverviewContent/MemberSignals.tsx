import { useCostsSignal, useDeploymentsSignal } from '../../hooks';

/**
 * The most members whose changes a roll-up listens to: two signal
 * subscriptions each. A larger roll-up shows what it loaded until it is
 * opened again.
 */
export const MAX_LISTENED_MEMBERS = 100;

/**
 * Calls `onChange` when the backend signals that the deployments or the
 * cost of any of the entities changed (the first {@link
 * MAX_LISTENED_MEMBERS}). Renders nothing.
 */
export function MemberSignals(props: {
  entityRefs: string[];
  onChange: () => void;
}) {
  return (
    <>
      {props.entityRefs.slice(0, MAX_LISTENED_MEMBERS).map(entityRef => (
        <MemberSignal
          key={entityRef}
          entityRef={entityRef}
          onChange={props.onChange}
        />
      ))}
    </>
  );
}

function MemberSignal(props: { entityRef: string; onChange: () => void }) {
  useDeploymentsSignal(props.entityRef, props.onChange);
  useCostsSignal(props.entityRef, props.onChange);
  return null;
}
