import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReleaseCoordinatorApi } from '../../api';
import {
  annotatedComponent,
  makeRelease,
  pending,
  plainComponent,
  withApiAndEntity,
} from '../../__testUtils__/fixtures';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { ReleaseReadinessContent } from './ReleaseReadinessContent';
import {
  makeDetails,
  withReadinessApis,
} from './__testUtils__/readinessFixtures';

// These tests type and click through dialogs: slow on a busy 2-core machine.
jest.setTimeout(20_000);

// No per-key timers: typing stays fast on small CI machines.
const user = () => userEvent.setup({ delay: null });

/** Focuses a field and pastes the text: one input event, like typing it. */
async function typeInto(field: HTMLElement, text: string) {
  await user().click(field);
  await user().paste(text);
}

const releases = [
  makeRelease({
    id: 'r3',
    version: '1.5.0',
    state: 'draft',
    environment: 'staging',
    createdBy: 'user:default/bob',
    commitSha: 'abcdef1234567890',
  }),
  makeRelease({ id: 'r2', version: '1.4.0', state: 'ready' }),
  makeRelease({ id: 'r1', version: '1.3.0', state: 'deployed' }),
];

/** An API whose releases are `releases` and whose details follow the id. */
function readinessApi(): Partial<ReleaseCoordinatorApi> & {
  getRelease: jest.Mock;
  getAuditTrail: jest.Mock;
} {
  return {
    listReleases: async () => ({ items: releases }),
    getRelease: jest.fn(async (id: string) =>
      makeDetails({ release: releases.find(release => release.id === id)! }),
    ),
    getAuditTrail: jest.fn(async (id: string) => ({
      items: [
        {
          id: `audit-${id}`,
          releaseId: id,
          entityRef: 'component:default/payments',
          actor: 'user:default/dana',
          action: 'checklist.waived',
          reason: 'false positive in a test fixture',
          createdAt: '2026-11-21T08:00:00.000Z',
        },
      ],
    })),
  };
}

describe('ReleaseReadinessContent', () => {
  it('asks the backend for the entity releases and shows progress meanwhile', async () => {
    const listReleases = jest.fn(() => pending<never>());
    await renderInTestApp(
      withApiAndEntity(
        { listReleases },
        annotatedComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(screen.getByText('Release readiness')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(listReleases).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
    });
  });

  it('shows the backend error', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'not allowed to read' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    await renderInTestApp(
      withApiAndEntity(
        { listReleases: () => Promise.reject(error) },
        annotatedComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(
      await screen.findByText(/Request failed with 403 Forbidden/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/not allowed to read/).length).toBeGreaterThan(
      0,
    );
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('explains how releases are created when there are none', async () => {
    await renderInTestApp(
      withReadinessApis(
        { listReleases: async () => ({ items: [] }) },
        <ReleaseReadinessContent />,
      ),
    );

    expect(
      await screen.findByText('No releases yet for Payments API'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'New release' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'POST /api/release-coordinator/entities/component/default/payments/releases',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/quality-gate checklist/)).toBeInTheDocument();
  });

  it('explains the missing annotations instead of calling the backend', async () => {
    const listReleases = jest.fn();
    await renderInTestApp(
      withApiAndEntity(
        { listReleases },
        plainComponent,
        <ReleaseReadinessContent />,
      ),
    );

    expect(screen.getByText('Release readiness')).toBeInTheDocument();
    expect(screen.getByText(/Any one of the annotations/)).toBeInTheDocument();
    expect(
      screen.getAllByText(/github\.com\/project-slug/).length,
    ).toBeGreaterThan(0);
    expect(listReleases).not.toHaveBeenCalled();
  });

  it('shows the newest release in full: summary, stages, checklist, approvals, audit', async () => {
    const api = readinessApi();
    await renderInTestApp(withReadinessApis(api, <ReleaseReadinessContent />));

    expect(
      await screen.findByRole('heading', { name: '1.5.0' }),
    ).toBeInTheDocument();
    expect(api.getRelease).toHaveBeenCalledWith('r3');
    expect(api.getAuditTrail).toHaveBeenCalledWith('r3');
    expect(screen.getByText('abcdef1')).toBeInTheDocument();
    expect(
      screen.getByText(/created by user:default\/bob/),
    ).toBeInTheDocument();
    const pipeline = screen.getByRole('region', { name: 'Pipeline' });
    expect(within(pipeline).getAllByTestId(/^stage-/)).toHaveLength(5);
    const checklist = screen.getByRole('region', { name: 'Checklist' });
    expect(
      within(checklist).getByText('Waived: false positive in a test fixture'),
    ).toBeInTheDocument();
    const approvals = screen.getByRole('region', { name: 'Approvals' });
    expect(within(approvals).getByText('1 remaining')).toBeInTheDocument();
    const audit = screen.getByRole('region', { name: 'Audit trail' });
    expect(
      await within(audit).findByText('checklist.waived'),
    ).toBeInTheDocument();
  });

  it('lists every release, with the newest per environment first in the picker', async () => {
    await renderInTestApp(
      withReadinessApis(readinessApi(), <ReleaseReadinessContent />),
    );

    const picker = await screen.findByLabelText('Release');
    const groups = within(picker).getAllByRole('group');
    expect(groups.map(group => group.getAttribute('label'))).toEqual([
      'Latest per environment',
      'Older releases',
    ]);
    expect(
      within(groups[0])
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['staging · 1.5.0 (draft)', 'production · 1.4.0 (ready)']);
    expect(
      within(groups[1])
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['production · 1.3.0 (deployed)']);
    expect(screen.getByText('All releases')).toBeInTheDocument();
    for (const version of ['1.5.0', '1.4.0', '1.3.0']) {
      expect(
        screen
          .getAllByRole('row')
          .filter(row => within(row).queryByText(version)),
      ).toHaveLength(1);
    }
  });

  it('switches the release with the picker', async () => {
    const api = readinessApi();
    await renderInTestApp(withReadinessApis(api, <ReleaseReadinessContent />));

    await screen.findByRole('heading', { name: '1.5.0' });
    await user().selectOptions(screen.getByLabelText('Release'), 'r1');

    expect(
      await screen.findByRole('heading', { name: '1.3.0' }),
    ).toBeInTheDocument();
    expect(api.getRelease).toHaveBeenLastCalledWith('r1');
    expect(api.getAuditTrail).toHaveBeenLastCalledWith('r1');
  });

  it('switches the release by clicking its row in the table', async () => {
    const api = readinessApi();
    await renderInTestApp(withReadinessApis(api, <ReleaseReadinessContent />));

    await screen.findByRole('heading', { name: '1.5.0' });
    const row = screen
      .getAllByRole('row')
      .find(candidate => within(candidate).queryByText('1.4.0'))!;
    await user().click(row);

    expect(
      await screen.findByRole('heading', { name: '1.4.0' }),
    ).toBeInTheDocument();
    expect(api.getRelease).toHaveBeenLastCalledWith('r2');
  });

  it('opens the release named in the URL', async () => {
    const api = readinessApi();
    await renderInTestApp(withReadinessApis(api, <ReleaseReadinessContent />), {
      routeEntries: ['/?release=r2'],
    });

    expect(
      await screen.findByRole('heading', { name: '1.4.0' }),
    ).toBeInTheDocument();
    expect(api.getRelease).toHaveBeenCalledWith('r2');
    expect(api.getRelease).not.toHaveBeenCalledWith('r3');
  });

  it('shows the error of the selected release', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'release r3 not found' },
          response: { statusCode: 404 },
        }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderInTestApp(
      withReadinessApis(
        { ...readinessApi(), getRelease: () => Promise.reject(error) },
        <ReleaseReadinessContent />,
      ),
    );

    expect(
      (await screen.findAllByText(/release r3 not found/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByLabelText('Release')).toBeInTheDocument();
  });

  it('asks the permission policy, with the entity, before enabling actions', async () => {
    await renderInTestApp(
      withReadinessApis(readinessApi(), <ReleaseReadinessContent />, {
        // Another entity than the other tests: permission answers are cached
        // per permission and resource.
        entity: {
          ...annotatedComponent,
          metadata: { ...annotatedComponent.metadata, name: 'payments-locked' },
        },
        denied: [
          'release-coordinator.release.approve',
          'release-coordinator.checklist.waive',
        ],
      }),
      { routeEntries: ['/?release=r2'] },
    );

    await screen.findByRole('heading', { name: '1.4.0' });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Attest' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Waive' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
    expect(
      screen.getByText(
        'You are not allowed to approve or reject releases of this entity',
      ),
    ).toBeInTheDocument();
  });

  it('reloads the release when the backend signals a change', async () => {
    const api = readinessApi();
    const signals = fakeSignalApi();
    await renderInTestApp(
      <TestApiProvider apis={[[signalApiRef, signals.api]]}>
        {withReadinessApis(api, <ReleaseReadinessContent />)}
      </TestApiProvider>,
    );

    await screen.findByRole('heading', { name: '1.5.0' });
    await waitFor(() =>
      expect(
        signals.listenerCount('release-coordinator:release:r3'),
      ).toBeGreaterThan(0),
    );
    const detailsCalls = api.getRelease.mock.calls.length;
    const auditCalls = api.getAuditTrail.mock.calls.length;

    signals.publish('release-coordinator:release:r3', { type: 'approval' });

    await waitFor(() =>
      expect(api.getRelease.mock.calls.length).toBe(detailsCalls + 1),
    );
    expect(api.getAuditTrail.mock.calls.length).toBe(auditCalls + 1);
    expect(screen.getByRole('heading', { name: '1.5.0' })).toBeInTheDocument();
  });

  it('shows the release created with New release', async () => {
    const created = makeRelease({
      id: 'r4',
      version: '1.6.0',
      environment: 'staging',
      state: 'draft',
    });
    let items = releases;
    const api = {
      ...readinessApi(),
      listReleases: async () => ({ items }),
      createRelease: jest.fn(async () => {
        items = [created, ...releases];
        return makeDetails({ release: created });
      }),
    };
    api.getRelease.mockImplementation(async (id: string) =>
      makeDetails({ release: items.find(release => release.id === id)! }),
    );
    await renderInTestApp(withReadinessApis(api, <ReleaseReadinessContent />), {
      routeEntries: ['/?release=r1'],
    });

    await screen.findByRole('heading', { name: '1.3.0' });
    await user().click(screen.getByRole('button', { name: 'New release' }));
    const dialog = screen.getByRole('dialog');
    await typeInto(within(dialog).getByLabelText(/Version/), '1.6.0');
    await user().click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(
      await screen.findByRole('heading', { name: '1.6.0' }),
    ).toBeInTheDocument();
    expect(api.createRelease).toHaveBeenCalledWith(
      'component:default/payments',
      expect.objectContaining({ version: '1.6.0', environment: 'staging' }),
    );
    expect(
      within(screen.getByLabelText('Release')).getByRole('option', {
        name: 'staging · 1.6.0 (draft)',
      }),
    ).toBeInTheDocument();
  });
});
