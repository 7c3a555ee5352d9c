import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RollbackPlan } from '@release-coordinator/backstage-plugin-common';
import { CreateRollbackOptions, ReleaseCoordinatorApi } from '../../api';
import { makeDeployment } from '../../__testUtils__/deployments';
import { makeRollback, makeRollbackPlan } from '../../__testUtils__/rollbacks';
import { withReadinessApis } from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { RollbackDialog } from './RollbackDialog';

jest.setTimeout(20_000);

const user = () => userEvent.setup({ delay: null });
const entityRef = 'component:default/payments';

async function conflict(message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message },
        response: { statusCode: 409 },
      }),
      { status: 409, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

async function renderDialog(
  api: Partial<ReleaseCoordinatorApi>,
  plan: RollbackPlan = makeRollbackPlan(),
) {
  const onStarted = jest.fn();
  const onClose = jest.fn();
  await renderInTestApp(
    withReadinessApis(
      api,
      <RollbackDialog
        entityRef={entityRef}
        plan={plan}
        onClose={onClose}
        onStarted={onStarted}
      />,
    ),
  );
  return { onStarted, onClose, dialog: screen.getByRole('dialog') };
}

async function typeReason(dialog: HTMLElement, text: string) {
  await user().click(within(dialog).getByLabelText(/Reason/));
  await user().paste(text);
}

function submitButton(dialog: HTMLElement) {
  return within(dialog).getByRole('button', { name: 'Roll back' });
}

/** The keys of the createRollback calls, in order. */
function keysOf(createRollback: jest.Mock): string[] {
  return createRollback.mock.calls.map(
    ([options]: [CreateRollbackOptions]) => options.idempotencyKey,
  );
}

describe('RollbackDialog', () => {
  it('shows current → target and the commits undone, and requires a reason', async () => {
    const rollback = makeRollback({ state: 'pending' });
    const createRollback = jest.fn(async () => rollback);
    const { dialog, onStarted } = await renderDialog({ createRollback });

    expect(screen.getByText('Roll back production')).toBeInTheDocument();
    expect(within(dialog).getByTestId('rollback-versions')).toHaveTextContent(
      '1.4.0 → 1.3.0',
    );
    expect(
      within(dialog).getByText('2 commits will be undone'),
    ).toBeInTheDocument();
    const commits = within(dialog).getByLabelText('Commits undone');
    expect(within(commits).getByText('bbbbbbb')).toBeInTheDocument();
    expect(within(commits).getByText('ccccccc')).toBeInTheDocument();
    // The commits link to the entity's GitHub repository.
    expect(within(commits).getAllByRole('link')[0]).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/commit/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    );
    expect(submitButton(dialog)).toBeDisabled();

    // Whitespace is no reason.
    await typeReason(dialog, '   ');
    expect(submitButton(dialog)).toBeDisabled();
    expect(
      within(dialog).getByText('A reason is required'),
    ).toBeInTheDocument();

    await typeReason(dialog, 'checkout errors since 1.4.0 ');
    await user().click(submitButton(dialog));

    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(rollback));
    expect(createRollback).toHaveBeenCalledWith({
      entityRef,
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      request: {
        environment: 'production',
        targetDeploymentId: 'dep-1',
        reason: 'checkout errors since 1.4.0',
      },
    });
  });

  it('requires confirming the database migrations it crosses', async () => {
    const createRollback = jest.fn(async (_options: CreateRollbackOptions) =>
      makeRollback(),
    );
    const plan = makeRollbackPlan({
      migrations: [
        {
          releaseId: 'rel-14',
          version: '1.4.0',
          deploymentId: 'dep-2',
          notes: 'adds column payments.currency',
        },
      ],
    });
    const { dialog, onStarted } = await renderDialog({ createRollback }, plan);

    expect(
      within(dialog).getByText(/crosses database migrations/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Release 1.4.0: adds column payments.currency'),
    ).toBeInTheDocument();
    await typeReason(dialog, 'bad release');
    expect(submitButton(dialog)).toBeDisabled();

    await user().click(
      within(dialog).getByLabelText(
        /target version works with the migrated database/,
      ),
    );
    expect(submitButton(dialog)).toBeEnabled();
    await user().click(submitButton(dialog));

    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    expect(createRollback.mock.calls[0][0].request).toEqual({
      environment: 'production',
      targetDeploymentId: 'dep-1',
      reason: 'bad release',
      confirmMigrationRollback: true,
    });
  });

  it('loads the plan of a picked earlier version and rolls back to it', async () => {
    const older = makeDeployment({ id: 'dep-0', version: '1.2.0' });
    const defaultPlan = makeRollbackPlan();
    defaultPlan.candidates = [defaultPlan.target!, older];
    const olderPlan = makeRollbackPlan({
      target: older,
      candidates: defaultPlan.candidates,
      commitsUndone: [
        ...defaultPlan.commitsUndone,
        {
          sha: 'dddddddddddddddddddddddddddddddddddddddd',
          committedAt: '2026-11-18T09:00:00.000Z',
        },
      ],
      migrations: [
        { releaseId: 'rel-13', version: '1.3.0', deploymentId: 'dep-1' },
      ],
    });
    const getRollbackPlan = jest.fn(async () => olderPlan);
    const createRollback = jest.fn(async (_options: CreateRollbackOptions) =>
      makeRollback(),
    );
    const { dialog } = await renderDialog(
      { getRollbackPlan, createRollback },
      defaultPlan,
    );

    await user().selectOptions(
      within(dialog).getByLabelText('Target version'),
      'dep-0',
    );

    await waitFor(() =>
      expect(within(dialog).getByTestId('rollback-versions')).toHaveTextContent(
        '1.4.0 → 1.2.0',
      ),
    );
    expect(getRollbackPlan).toHaveBeenCalledWith({
      entityRef,
      environment: 'production',
      targetDeploymentId: 'dep-0',
    });
    expect(
      within(dialog).getByText('3 commits will be undone'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Release 1.3.0')).toBeInTheDocument();

    await typeReason(dialog, 'go back two versions');
    await user().click(
      within(dialog).getByLabelText(
        /target version works with the migrated database/,
      ),
    );
    await user().click(submitButton(dialog));

    await waitFor(() => expect(createRollback).toHaveBeenCalled());
    expect(createRollback.mock.calls[0][0].request.targetDeploymentId).toBe(
      'dep-0',
    );
  });

  it('shows the backend’s 409 message verbatim, stays open, and uses a new key for the next attempt', async () => {
    const message =
      'Argo CD refuses to roll back payments-production: automated sync is enabled; turn it off in Argo CD first';
    const error = await conflict(message);
    const createRollback = jest
      .fn()
      .mockRejectedValueOnce(error)
      .mockResolvedValueOnce(makeRollback());
    const { dialog, onStarted } = await renderDialog({ createRollback });

    await typeReason(dialog, 'errors');
    await user().click(submitButton(dialog));

    expect(await within(dialog).findByText(message)).toBeInTheDocument();
    expect(onStarted).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    await user().click(submitButton(dialog));
    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    const [first, second] = keysOf(createRollback);
    expect(second).not.toBe(first);
  });

  it('retries after a network error with the same idempotency key', async () => {
    const createRollback = jest
      .fn()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(makeRollback());
    const { dialog, onStarted } = await renderDialog({ createRollback });

    await typeReason(dialog, 'errors');
    await user().click(submitButton(dialog));

    expect(
      await within(dialog).findByText(
        /did not reach the backend \(Failed to fetch\)\. Submitting again is safe/,
      ),
    ).toBeInTheDocument();
    await user().click(submitButton(dialog));

    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    const [first, second] = keysOf(createRollback);
    expect(second).toBe(first);
  });

  it('gives every opening of the dialog its own key', async () => {
    const createRollback = jest.fn(async (_options: CreateRollbackOptions) =>
      makeRollback(),
    );
    const first = await renderDialog({ createRollback });
    await typeReason(first.dialog, 'one');
    await user().click(submitButton(first.dialog));
    await waitFor(() => expect(first.onStarted).toHaveBeenCalled());

    const second = await renderDialog({ createRollback });
    const dialogs = screen.getAllByRole('dialog');
    await typeReason(dialogs[dialogs.length - 1], 'two');
    await user().click(submitButton(dialogs[dialogs.length - 1]));
    await waitFor(() => expect(second.onStarted).toHaveBeenCalled());

    const [key1, key2] = keysOf(createRollback);
    expect(key1).not.toBe(key2);
  });

  it('refuses to submit while another rollback runs', async () => {
    const { dialog } = await renderDialog(
      {},
      makeRollbackPlan({ active: makeRollback() }),
    );
    await typeReason(dialog, 'errors');
    expect(submitButton(dialog)).toBeDisabled();
  });
});
