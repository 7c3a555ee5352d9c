import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReleaseCoordinatorApi } from '../../api';
import { makeRelease } from '../../__testUtils__/fixtures';
import {
  makeDetails,
  withReadinessApis,
} from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { NewReleaseButton } from './NewReleaseButton';

// These tests type and click through dialogs: slow on a busy 2-core machine.
jest.setTimeout(20_000);

// No per-key timers: typing stays fast on small CI machines.
const user = () => userEvent.setup({ delay: null });

/** Focuses a field and pastes the text: one input event, like typing it. */
async function typeInto(field: HTMLElement, text: string) {
  await user().click(field);
  await user().paste(text);
}

async function renderButton(
  api: Partial<ReleaseCoordinatorApi>,
  denied: string[] = [],
) {
  const onCreated = jest.fn();
  await renderInTestApp(
    withReadinessApis(
      api,
      <NewReleaseButton
        entityRef="component:default/payments"
        environments={['staging', 'production']}
        onCreated={onCreated}
      />,
      {
        denied,
        entity: denied.length
          ? {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'payments-readonly' },
            }
          : undefined,
      },
    ),
  );
  return onCreated;
}

async function fill(label: RegExp, value: string) {
  const field = within(screen.getByRole('dialog')).getByLabelText(label);
  await user().clear(field);
  await typeInto(field, value);
}

describe('NewReleaseButton', () => {
  it('creates a release with the plan and hands back the details', async () => {
    const details = makeDetails({ release: makeRelease({ id: 'rel-9' }) });
    const createRelease = jest.fn(async () => details);
    const onCreated = await renderButton({ createRelease });

    await user().click(screen.getByRole('button', { name: 'New release' }));
    const dialog = screen.getByRole('dialog');
    const create = within(dialog).getByRole('button', { name: 'Create' });
    expect(create).toBeDisabled();

    await fill(/Version/, '2.0.0');
    await fill(/Environment/, 'production');
    await fill(/Commit SHA/, 'abc1234');
    await user().selectOptions(
      within(dialog).getByLabelText('Strategy'),
      'canary',
    );
    await user().click(within(dialog).getByLabelText('Zero downtime'));
    await user().click(
      within(dialog).getByLabelText('Has database migrations'),
    );
    expect(create).toBeEnabled();
    await user().click(create);

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(details));
    expect(createRelease).toHaveBeenCalledWith('component:default/payments', {
      version: '2.0.0',
      environment: 'production',
      commitSha: 'abc1234',
      plan: {
        strategy: 'canary',
        zeroDowntime: true,
        hasDatabaseMigrations: true,
        hasConfigChanges: false,
      },
    });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('refuses zero downtime with the rolling strategy before submitting', async () => {
    const createRelease = jest.fn();
    await renderButton({ createRelease });

    await user().click(screen.getByRole('button', { name: 'New release' }));
    await fill(/Version/, '2.0.0');
    const dialog = screen.getByRole('dialog');
    await user().click(within(dialog).getByLabelText('Zero downtime'));

    expect(
      within(dialog).getByText(
        'A zero-downtime release needs the blue-green or canary strategy',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Create' }),
    ).toBeDisabled();
  });

  it('keeps the dialog open with the backend message on 400', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message: 'environment: unknown environment "prod"',
          },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const onCreated = await renderButton({
      createRelease: () => Promise.reject(error),
    });

    await user().click(screen.getByRole('button', { name: 'New release' }));
    await fill(/Version/, '2.0.0');
    await fill(/Environment/, 'prod');
    await user().click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Create',
      }),
    );

    expect(
      await screen.findByText('environment: unknown environment "prod"'),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('is disabled with the reason when the policy denies creating releases', async () => {
    await renderButton({}, ['release-coordinator.release.create']);

    const button = await screen.findByRole('button', { name: 'New release' });
    await waitFor(() =>
      expect(button.parentElement).toHaveAttribute(
        'title',
        'You are not allowed to create releases of this entity',
      ),
    );
    expect(screen.getByRole('button', { name: 'New release' })).toBeDisabled();
  });
});
