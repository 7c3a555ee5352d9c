import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReleaseDetails } from '@release-coordinator/backstage-plugin-common';
import { ReleaseCoordinatorApi } from '../../api';
import { makeRelease } from '../../__testUtils__/fixtures';
import {
  makeDetails,
  withReadinessApis,
} from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { ApprovalsPanel } from './ApprovalsPanel';

// These tests type and click through dialogs: slow on a busy 2-core machine.
jest.setTimeout(20_000);

// No per-key timers: typing stays fast on small CI machines.
const user = () => userEvent.setup({ delay: null });

/** Focuses a field and pastes the text: one input event, like typing it. */
async function typeInto(field: HTMLElement, text: string) {
  await user().click(field);
  await user().paste(text);
}

async function renderPanel(
  api: Partial<ReleaseCoordinatorApi>,
  options: {
    details?: ReleaseDetails;
    allowed?: boolean;
    mayOverride?: boolean;
  } = {},
) {
  const onChanged = jest.fn();
  await renderInTestApp(
    withReadinessApis(
      api,
      <ApprovalsPanel
        details={options.details ?? makeDetails()}
        permission={{ allowed: options.allowed ?? true, loading: false }}
        overridePermission={{
          allowed: options.mayOverride ?? false,
          loading: false,
        }}
        onChanged={onChanged}
      />,
    ),
  );
  return onChanged;
}

async function responseError(name: string, message: string, status: number) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('ApprovalsPanel', () => {
  it('shows required and remaining approvals and the decisions so far', async () => {
    await renderPanel({});

    expect(screen.getByText(/1 of 2 required approvals/)).toBeInTheDocument();
    expect(screen.getByText('1 remaining')).toBeInTheDocument();
    const decisions = screen.getByRole('list', { name: 'Decisions' });
    expect(
      within(decisions).getByText('user:default/carol'),
    ).toBeInTheDocument();
    expect(within(decisions).getByText('approved')).toBeInTheDocument();
    expect(within(decisions).getByText(/looks good/)).toBeInTheDocument();
  });

  it('says who may approve, resolving the owner rule to the entity owner', async () => {
    await renderPanel(
      {},
      {
        details: makeDetails({
          approvers: {
            rules: ['owner', 'group:default/sre'],
            databaseAdminGroups: ['group:default/dba'],
            excluded: ['user:default/guest'],
          },
        }),
      },
    );
    const who = screen.getByLabelText('Who may approve');
    expect(who).toHaveTextContent(
      'May approve: members of team-a (owner), sre; one approval must come from dba (database-admin). Not guest (created the release or authored its commits).',
    );
  });

  it('lists unresolved commit authors as such', async () => {
    await renderPanel(
      {},
      {
        details: makeDetails({
          release: makeRelease({
            commitAuthors: ['user:default/bob'],
            unresolvedCommitAuthors: ['carol@example.com', 'github:carol-gh'],
          }),
        }),
      },
    );
    expect(
      screen.getByLabelText('Unresolved commit authors'),
    ).toHaveTextContent(
      'Unresolved commit authors: carol@example.com, github:carol-gh (no catalog user has this e-mail or login; nobody it may be can approve).',
    );
  });

  it('approves with the optional comment and refreshes', async () => {
    const submitApproval = jest.fn(async () => {});
    const onChanged = await renderPanel({ submitApproval });

    await typeInto(
      screen.getByLabelText('Comment (optional)'),
      'rollback plan checked',
    );
    await user().click(screen.getByRole('button', { name: 'Approve' }));

    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(submitApproval).toHaveBeenCalledWith('rel-1', {
      decision: 'approve',
      comment: 'rollback plan checked',
    });
    expect(screen.getByLabelText('Comment (optional)')).toHaveValue('');
  });

  it('approves without a comment field in the body when none was given', async () => {
    const submitApproval = jest.fn(async () => {});
    await renderPanel({ submitApproval });

    await user().click(screen.getByRole('button', { name: 'Approve' }));

    await waitFor(() =>
      expect(submitApproval).toHaveBeenCalledWith('rel-1', {
        decision: 'approve',
      }),
    );
  });

  it('asks for confirmation before rejecting', async () => {
    const submitApproval = jest.fn(async () => {});
    const onChanged = await renderPanel({ submitApproval });

    await typeInto(
      screen.getByLabelText('Comment (optional)'),
      'no rollback plan',
    );
    await user().click(screen.getByRole('button', { name: 'Reject' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText(/A reject is final/)).toBeInTheDocument();
    expect(submitApproval).not.toHaveBeenCalled();

    await user().click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(submitApproval).not.toHaveBeenCalled();

    await user().click(screen.getByRole('button', { name: 'Reject' }));
    await user().click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Reject',
      }),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(submitApproval).toHaveBeenCalledWith('rel-1', {
      decision: 'reject',
      comment: 'no rollback plan',
    });
  });

  it('shows the backend message when it answers 409', async () => {
    const error = await responseError(
      'ConflictError',
      'user:default/guest has already decided on this release',
      409,
    );
    const onChanged = await renderPanel({
      submitApproval: () => Promise.reject(error),
    });

    await user().click(screen.getByRole('button', { name: 'Approve' }));

    expect(
      await screen.findByText(
        'user:default/guest has already decided on this release',
      ),
    ).toBeInTheDocument();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('disables Approve and Reject with the reason when the policy denies them', async () => {
    await renderPanel({}, { allowed: false });

    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
    expect(
      screen.getByText(
        'You are not allowed to approve or reject releases of this entity',
      ),
    ).toBeInTheDocument();
  });

  it('blocks approval while checklist items are open, naming them', async () => {
    await renderPanel(
      {},
      { details: makeDetails({ openItemIds: ['image-scanned'] }) },
    );

    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeEnabled();
    expect(
      screen.getByText(/1 checklist item is still open \(image-scanned\)/),
    ).toBeInTheDocument();
  });

  it('names the active freeze window and blocks approval', async () => {
    await renderPanel(
      {},
      {
        details: makeDetails({
          activeFreeze: {
            name: 'year-end',
            start: '2026-12-20T00:00:00Z',
            end: '2027-01-04T00:00:00Z',
          },
        }),
      },
    );

    expect(screen.getByText('year-end')).toBeInTheDocument();
    expect(screen.getByText(/approvals are blocked/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
  });

  it('says when a database-admin approval is still missing', async () => {
    await renderPanel(
      {},
      { details: makeDetails({ databaseAdminApprovalMissing: true }) },
    );

    expect(
      screen.getByText(
        /one approval must come from a member of the database-admin role/,
      ),
    ).toBeInTheDocument();
  });

  it('takes no decisions on a rejected release', async () => {
    await renderPanel(
      {},
      {
        details: makeDetails({ release: makeRelease({ state: 'rejected' }) }),
      },
    );

    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
    expect(
      screen.getByText('This release is rejected; it takes no more decisions.'),
    ).toBeInTheDocument();
  });

  it('shows no actions where the environment needs no approval', async () => {
    await renderPanel(
      {},
      {
        details: makeDetails({
          release: makeRelease({ environment: 'staging' }),
          approvalsRequired: 0,
          approvalsRemaining: 0,
          approvals: [],
        }),
      },
    );

    expect(
      screen.getByText('No approval is required for staging.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  describe('during a freeze', () => {
    const frozen = makeDetails({
      activeFreeze: {
        name: 'year-end',
        start: '2026-12-20T00:00:00Z',
        end: '2027-01-04T00:00:00Z',
      },
    });

    it('lets an override holder approve with a required reason', async () => {
      const submitApproval = jest.fn(async () => {});
      const onChanged = await renderPanel(
        { submitApproval },
        { details: frozen, mayOverride: true },
      );

      await typeInto(screen.getByLabelText('Comment (optional)'), 'hotfix');
      await user().click(
        screen.getByRole('button', { name: 'Approve with freeze override' }),
      );
      const dialog = screen.getByRole('dialog');
      const submit = within(dialog).getByRole('button', {
        name: 'Approve with override',
      });
      expect(submit).toBeDisabled();
      await typeInto(
        within(dialog).getByLabelText(/Reason for the override/),
        'payments outage INC-42',
      );
      await user().click(submit);

      await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
      expect(submitApproval).toHaveBeenCalledWith('rel-1', {
        decision: 'approve',
        comment: 'hotfix',
        overrideFreeze: { reason: 'payments outage INC-42' },
      });
    });

    it('disables the override for users without the override permission', async () => {
      await renderPanel({}, { details: frozen, mayOverride: false });

      expect(
        screen.getByRole('button', { name: 'Approve with freeze override' }),
      ).toBeDisabled();
      expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    });

    it('offers no override when no freeze is in force', async () => {
      await renderPanel({}, { mayOverride: true });

      expect(
        screen.queryByRole('button', { name: 'Approve with freeze override' }),
      ).toBeNull();
    });
  });
});
