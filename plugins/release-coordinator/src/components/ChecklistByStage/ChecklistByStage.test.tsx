import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReleaseCoordinatorApi } from '../../api';
import {
  makeDetails,
  withReadinessApis,
} from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { ChecklistByStage } from './ChecklistByStage';

// These tests type and click through dialogs: slow on a busy 2-core machine.
jest.setTimeout(20_000);

// No per-key timers: typing stays fast on small CI machines.
const user = () => userEvent.setup({ delay: null });

/** Focuses a field and pastes the text: one input event, like typing it. */
async function typeInto(field: HTMLElement, text: string) {
  await user().click(field);
  await user().paste(text);
}

const allowAll = {
  attest: { allowed: true, loading: false },
  waive: { allowed: true, loading: false },
  approve: { allowed: true, loading: false },
  overrideFreeze: { allowed: true, loading: false },
};

async function renderChecklist(
  api: Partial<ReleaseCoordinatorApi>,
  options: {
    permissions?: typeof allowAll;
    onChanged?: () => void;
  } = {},
) {
  const onChanged = options.onChanged ?? jest.fn();
  await renderInTestApp(
    withReadinessApis(
      api,
      <ChecklistByStage
        releaseId="rel-1"
        checklist={makeDetails().checklist}
        permissions={options.permissions ?? allowAll}
        onChanged={onChanged}
      />,
    ),
  );
  return onChanged;
}

async function conflict(message: string, status = 409) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: status === 409 ? 'Conflict' : 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

describe('ChecklistByStage', () => {
  it('groups the items by pipeline stage, in pipeline order', async () => {
    await renderChecklist({});

    const sections = screen.getAllByRole('region');
    expect(sections.map(section => section.getAttribute('aria-label'))).toEqual(
      ['tests gates', 'build gates', 'staging gates'],
    );
    const build = screen.getByRole('region', { name: 'build gates' });
    expect(within(build).getByText('Security scan')).toBeInTheDocument();
    expect(within(build).getByText('Image scanned')).toBeInTheDocument();
    expect(within(build).queryByText('Tests passing')).not.toBeInTheDocument();
  });

  it('shows status, kind, evidence and who recorded it', async () => {
    await renderChecklist({});

    const row = screen.getByTestId('checklist-item-tests-passing');
    expect(within(row).getByText('passed')).toBeInTheDocument();
    expect(within(row).getByText('automatic')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: /evidence/ })).toHaveAttribute(
      'href',
      'https://ci.example.com/runs/42',
    );
    expect(
      within(row).getByText(/recorded by github-actions/),
    ).toBeInTheDocument();
  });

  it('marks a waived item visibly with its reason', async () => {
    await renderChecklist({});

    const row = screen.getByTestId('checklist-item-security-scan');
    expect(within(row).getByText('waived')).toBeInTheDocument();
    expect(
      within(row).getByText('Waived: false positive in a test fixture'),
    ).toBeInTheDocument();
  });

  it('offers Attest only on pending manual items and Waive only on failed ones', async () => {
    await renderChecklist({});

    const manual = screen.getByTestId(
      'checklist-item-deployment-plan-documented',
    );
    expect(
      within(manual).getByRole('button', { name: 'Attest' }),
    ).toBeEnabled();
    expect(within(manual).queryByRole('button', { name: 'Waive' })).toBeNull();
    const failed = screen.getByTestId('checklist-item-image-scanned');
    expect(within(failed).getByRole('button', { name: 'Waive' })).toBeEnabled();
    expect(within(failed).queryByRole('button', { name: 'Attest' })).toBeNull();
    expect(screen.getAllByRole('button', { name: 'Attest' })).toHaveLength(1);
    expect(screen.getAllByRole('button', { name: 'Waive' })).toHaveLength(1);
  });

  it('cannot attest without evidence URL or comment, then sends what was given', async () => {
    const updateChecklistItem = jest.fn(async () => {});
    const onChanged = await renderChecklist({ updateChecklistItem });

    await user().click(screen.getByRole('button', { name: 'Attest' }));
    const dialog = screen.getByRole('dialog');
    const submit = within(dialog).getByRole('button', { name: 'Attest' });
    expect(submit).toBeDisabled();

    await typeInto(within(dialog).getByLabelText('Evidence URL'), 'not a url');
    expect(
      within(dialog).getByText('Enter an http(s) URL'),
    ).toBeInTheDocument();
    expect(submit).toBeDisabled();

    await user().clear(within(dialog).getByLabelText('Evidence URL'));
    await typeInto(
      within(dialog).getByLabelText('Evidence URL'),
      'https://wiki.example.com/deploy-plan',
    );
    expect(submit).toBeEnabled();
    await user().click(submit);

    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(updateChecklistItem).toHaveBeenCalledWith(
      'rel-1',
      'deployment-plan-documented',
      { status: 'passed', evidenceUrl: 'https://wiki.example.com/deploy-plan' },
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('attests with a comment alone', async () => {
    const updateChecklistItem = jest.fn(async () => {});
    await renderChecklist({ updateChecklistItem });

    await user().click(screen.getByRole('button', { name: 'Attest' }));
    const dialog = screen.getByRole('dialog');
    await typeInto(
      within(dialog).getByLabelText('Comment'),
      '  walked through it with SRE  ',
    );
    await user().click(within(dialog).getByRole('button', { name: 'Attest' }));

    await waitFor(() =>
      expect(updateChecklistItem).toHaveBeenCalledWith(
        'rel-1',
        'deployment-plan-documented',
        { status: 'passed', comment: 'walked through it with SRE' },
      ),
    );
  });

  it('keeps the attest dialog open with the backend message on 403', async () => {
    const error = await conflict(
      'only database-admin members may attest this item',
      403,
    );
    const onChanged = await renderChecklist({
      updateChecklistItem: () => Promise.reject(error),
    });

    await user().click(screen.getByRole('button', { name: 'Attest' }));
    const dialog = screen.getByRole('dialog');
    await typeInto(within(dialog).getByLabelText('Comment'), 'done');
    await user().click(within(dialog).getByRole('button', { name: 'Attest' }));

    expect(
      await within(dialog).findByText(
        'only database-admin members may attest this item',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('requires a reason to waive and sends it as the waiver comment', async () => {
    const updateChecklistItem = jest.fn(async () => {});
    const onChanged = await renderChecklist({ updateChecklistItem });

    await user().click(screen.getByRole('button', { name: 'Waive' }));
    const dialog = screen.getByRole('dialog');
    const submit = within(dialog).getByRole('button', { name: 'Waive' });
    expect(submit).toBeDisabled();
    await typeInto(within(dialog).getByLabelText(/Reason/), '   ');
    expect(submit).toBeDisabled();

    await typeInto(
      within(dialog).getByLabelText(/Reason/),
      'CVE not reachable from our code',
    );
    await user().click(submit);

    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(updateChecklistItem).toHaveBeenCalledWith('rel-1', 'image-scanned', {
      status: 'waived',
      comment: 'CVE not reachable from our code',
    });
  });

  it('disables Attest and Waive with the reason when the policy denies them', async () => {
    await renderChecklist(
      {},
      {
        permissions: {
          ...allowAll,
          attest: { allowed: false, loading: false },
          waive: { allowed: false, loading: false },
        },
      },
    );

    const attest = screen.getByRole('button', { name: 'Attest' });
    const waive = screen.getByRole('button', { name: 'Waive' });
    expect(attest).toBeDisabled();
    expect(waive).toBeDisabled();
    await user().hover(attest.parentElement!);
    expect(
      await screen.findByText(
        'You are not allowed to attest checklist items of this entity',
      ),
    ).toBeInTheDocument();
  });
});
