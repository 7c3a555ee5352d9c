import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReleaseCoordinatorApi } from '../../api';
import { withReadinessApis } from '../ReleaseReadinessContent/__testUtils__/readinessFixtures';
import { NotifyTeamButton } from './NotifyTeamButton';

async function renderButton(
  api: Partial<ReleaseCoordinatorApi>,
  options: { allowed?: boolean; alreadySent?: boolean } = {},
) {
  const onChanged = jest.fn();
  await renderInTestApp(
    withReadinessApis(
      api,
      <NotifyTeamButton
        releaseId="r-1"
        alreadySent={options.alreadySent ?? false}
        permission={{ allowed: options.allowed ?? true, loading: false }}
        onChanged={onChanged}
      />,
    ),
  );
  return onChanged;
}

describe('NotifyTeamButton', () => {
  it('notifies the team and refreshes the release', async () => {
    const notifyTeam = jest.fn().mockResolvedValue(undefined);
    const onChanged = await renderButton({ notifyTeam });
    await userEvent.click(screen.getByRole('button', { name: 'Notify team' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(notifyTeam).toHaveBeenCalledWith('r-1');
  });

  it("shows the backend's refusal and does not refresh", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message: 'Release is rejected' },
        request: { method: 'POST', url: '/releases/r-1/notify-team' },
        response: { statusCode: 409 },
      }),
      { status: 409, headers: { 'content-type': 'application/json' } },
    );
    const notifyTeam = jest
      .fn()
      .mockRejectedValue(await ResponseError.fromResponse(response));
    const onChanged = await renderButton({ notifyTeam });
    await userEvent.click(screen.getByRole('button', { name: 'Notify team' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Release is rejected',
    );
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('is disabled when the policy denies attesting', async () => {
    const notifyTeam = jest.fn();
    await renderButton({ notifyTeam }, { allowed: false });
    expect(screen.getByRole('button', { name: 'Notify team' })).toBeDisabled();
  });

  it('offers to re-send once the team was notified', async () => {
    await renderButton({ notifyTeam: jest.fn() }, { alreadySent: true });
    expect(
      screen.getByRole('button', { name: 'Notify team again' }),
    ).toBeInTheDocument();
  });
});
