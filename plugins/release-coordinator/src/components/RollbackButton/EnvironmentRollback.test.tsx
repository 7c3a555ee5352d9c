import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  AUTOMATION_ACTOR,
  Rollback,
  RollbackPlan,
} from '@release-coordinator/backstage-plugin-common';
import { ReleaseCoordinatorApi } from '../../api';
import { pending } from '../../__testUtils__/fixtures';
import { makeRollback, makeRollbackPlan } from '../../__testUtils__/rollbacks';
import { withReadinessApis } from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { EnvironmentRollback } from './EnvironmentRollback';

jest.setTimeout(20_000);

const user = () => userEvent.setup({ delay: null });

function fakeApi(options: {
  plan?: RollbackPlan | (() => Promise<RollbackPlan>);
  latest?: Rollback[];
  poll?: (id: string) => Promise<Rollback>;
}) {
  const { plan = makeRollbackPlan(), latest = [] } = options;
  return {
    getRollbackPlan: jest.fn(
      typeof plan === 'function' ? plan : async () => plan,
    ),
    listRollbacks: jest.fn(async () => ({ items: latest })),
    getRollback: jest.fn(options.poll ?? (async () => pending<Rollback>())),
  } satisfies Partial<ReleaseCoordinatorApi>;
}

/** Renders one environment's rollback controls; `denied` names permissions the policy denies. */
async function renderControls(
  api: Partial<ReleaseCoordinatorApi>,
  options: {
    denied?: string[];
    entityName?: string;
    onChanged?: () => void;
  } = {},
) {
  await renderInTestApp(
    withReadinessApis(
      api,
      <EnvironmentRollback
        entityRef="component:default/payments"
        environment="production"
        onChanged={options.onChanged}
        pollIntervalMs={5}
      />,
      {
        denied: options.denied,
        // The permission hook caches decisions per entity: a fresh entity per policy.
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: options.entityName ?? 'payments' },
        },
      },
    ),
  );
}

function rollbackButton() {
  return screen.getByRole('button', { name: 'Rollback production' });
}

describe('EnvironmentRollback', () => {
  it('enables Rollback when permitted and there is a target', async () => {
    const api = fakeApi({});
    await renderControls(api);

    await waitFor(() => expect(rollbackButton()).toBeEnabled());
    expect(api.getRollbackPlan).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      environment: 'production',
    });
    expect(
      screen.queryByTestId('rollback-unavailable-production'),
    ).not.toBeInTheDocument();
  });

  it('stays disabled while the plan loads', async () => {
    await renderControls(fakeApi({ plan: () => pending() }));
    expect(rollbackButton()).toBeDisabled();
  });

  it.each([
    [
      'a rollback is running',
      makeRollbackPlan({
        active: makeRollback({ initiator: 'user:default/bob' }),
      }),
      'A rollback to 1.3.0 by bob is already running',
    ],
    [
      'there is no target',
      makeRollbackPlan({
        target: undefined,
        noTargetReason:
          'No earlier succeeded deployment passed its gates without a critical incident',
      }),
      'No earlier succeeded deployment passed its gates without a critical incident',
    ],
    [
      'the provider cannot roll back',
      makeRollbackPlan({ provider: 'pushed', providerCanRollback: false }),
      'The pushed provider that deployed production cannot roll back',
    ],
    [
      'nothing was deployed',
      makeRollbackPlan({
        current: undefined,
        target: undefined,
        noTargetReason: 'Nothing has been deployed to production yet',
      }),
      'Nothing has been deployed to production yet',
    ],
  ])('is disabled with the reason when %s', async (_case, plan, reason) => {
    await renderControls(fakeApi({ plan }));

    expect(
      await screen.findByTestId('rollback-unavailable-production'),
    ).toHaveTextContent(reason);
    expect(rollbackButton()).toBeDisabled();
  });

  it('is disabled with the reason when the policy denies rolling back', async () => {
    await renderControls(fakeApi({}), {
      denied: ['release-coordinator.deployment.rollback'],
      entityName: 'payments-readonly',
    });

    expect(
      await screen.findByTestId('rollback-unavailable-production'),
    ).toHaveTextContent('You are not allowed to roll back this entity');
    expect(rollbackButton()).toBeDisabled();
  });

  it('says why when the plan cannot be loaded', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'entity not found' },
          response: { statusCode: 404 },
        }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderControls(fakeApi({ plan: () => Promise.reject(error) }));

    expect(
      await screen.findByTestId('rollback-unavailable-production'),
    ).toHaveTextContent(
      'The rollback plan could not be loaded: entity not found',
    );
    expect(rollbackButton()).toBeDisabled();
  });

  it('follows a running rollback until it succeeds, then asks the tab to reload', async () => {
    const running = makeRollback({ initiator: 'user:default/alice' });
    const states: Rollback[] = [
      running,
      {
        ...running,
        state: 'succeeded',
        finishedAt: '2026-11-20T12:03:00.000Z',
      },
    ];
    const poll = jest.fn(async () => states.shift() ?? pending<Rollback>());
    const onChanged = jest.fn();
    await renderControls(fakeApi({ latest: [running], poll }), { onChanged });

    const progress = await screen.findByTestId('rollback-rb-1');
    expect(progress).toHaveTextContent(
      'Rolling back from 1.4.0 to 1.3.0 (running)',
    );
    expect(progress).toHaveTextContent('Started by alice');
    expect(progress).toHaveTextContent(
      'Reason: error rate doubled after 1.4.0',
    );
    expect(
      within(progress).getByLabelText('Rollback in progress'),
    ).toBeInTheDocument();

    await waitFor(() =>
      expect(screen.getByTestId('rollback-rb-1')).toHaveTextContent(
        'Rolled back from 1.4.0 to 1.3.0',
      ),
    );
    expect(poll).toHaveBeenCalledWith('rb-1');
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(
      screen.queryByLabelText('Rollback in progress'),
    ).not.toBeInTheDocument();
  });

  it('shows a failed rollback with the provider error, and does not poll a final one', async () => {
    const failed = makeRollback({
      state: 'failed',
      error: 'workflow_dispatch returned 422: Unexpected inputs provided',
      finishedAt: '2026-11-20T12:01:00.000Z',
    });
    const api = fakeApi({ latest: [failed] });
    await renderControls(api);

    expect(await screen.findByTestId('rollback-rb-1')).toHaveTextContent(
      'Rollback from 1.4.0 to 1.3.0 failed: workflow_dispatch returned 422: Unexpected inputs provided',
    );
    expect(api.getRollback).not.toHaveBeenCalled();
  });

  it('names the automation and its incident', async () => {
    await renderControls(
      fakeApi({
        latest: [
          makeRollback({
            initiator: AUTOMATION_ACTOR,
            automated: true,
            incidentId: 'inc-42',
            state: 'succeeded',
            reason: 'critical alert HighErrorRate after deployment',
          }),
        ],
      }),
    );

    expect(await screen.findByTestId('rollback-rb-1')).toHaveTextContent(
      'Requested by Automation',
    );
    expect(screen.getByTestId('rollback-rb-1')).toHaveTextContent(
      'after incident inc-42',
    );
  });

  it('shows the new rollback at once after the dialog starts it', async () => {
    const started = makeRollback({ id: 'rb-9', state: 'pending' });
    const api = {
      ...fakeApi({}),
      createRollback: jest.fn(async () => started),
    };
    const onChanged = jest.fn();
    await renderControls(api, { onChanged });

    await waitFor(() => expect(rollbackButton()).toBeEnabled());
    await user().click(rollbackButton());
    const dialog = screen.getByRole('dialog');
    await user().click(within(dialog).getByLabelText(/Reason/));
    await user().paste('latency regression');
    await user().click(
      within(dialog).getByRole('button', { name: 'Roll back' }),
    );

    expect(await screen.findByTestId('rollback-rb-9')).toHaveTextContent(
      'Rolling back from 1.4.0 to 1.3.0 (pending)',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(onChanged).toHaveBeenCalled();
  });
});
