import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  configApiRef,
  discoveryApiRef,
  githubAuthApiRef as githubAuthApi,
  IdentityApi,
} from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ExampleUserSignInPage } from './ExampleUserSignInPage';

const config = (exampleUser?: object, signInProviders?: string[]) =>
  mockApis.config({
    data: {
      app: {
        title: 'Release Coordinator',
        ...(signInProviders && { signInProviders }),
      },
      backend: { baseUrl: 'http://backend' },
      auth: { providers: exampleUser ? { exampleUser } : {} },
    },
  });

// Not called: the test only looks at what the page offers.
const githubAuth = {
  getBackstageIdentity: jest.fn(),
  getProfile: jest.fn(),
  signOut: jest.fn(),
};

const discovery = {
  getBaseUrl: async (pluginId: string) => `http://backend/api/${pluginId}`,
};

function session(userEntityRef: string, displayName: string) {
  const payload = Buffer.from(
    JSON.stringify({ sub: userEntityRef, exp: Date.now() / 1000 + 3600 }),
  ).toString('base64url');
  return {
    profile: { displayName },
    backstageIdentity: {
      token: `header.${payload}.signature`,
      identity: {
        type: 'user',
        userEntityRef,
        ownershipEntityRefs: [userEntityRef],
      },
    },
  };
}

async function renderPage(
  exampleUser: object | undefined,
  onSignInSuccess: (identity: IdentityApi) => void,
  signInProviders?: string[],
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, config(exampleUser, signInProviders)],
        [discoveryApiRef, discovery],
        [githubAuthApi, githubAuth],
      ]}
    >
      <ExampleUserSignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
}

describe('ExampleUserSignInPage', () => {
  const fetchMock = jest.fn();
  const realFetch = global.fetch;

  beforeEach(() => {
    localStorage.clear();
    fetchMock.mockReset();
    global.fetch = fetchMock;
  });

  afterAll(() => {
    global.fetch = realFetch;
  });

  const enabled = {
    enabled: true,
    users: [
      { name: 'alice', description: 'Payments team' },
      { name: 'carol', description: 'SRE, production approver' },
    ],
  };

  it('offers guest and the configured example users', async () => {
    await renderPage(enabled, jest.fn());
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(screen.getByText('SRE, production approver')).toBeInTheDocument();
    expect(
      screen
        .getAllByRole('button', { name: /^Sign in as / })
        .map(b => b.textContent),
    ).toEqual(['Sign in as alice', 'Sign in as carol']);
  });

  it('signs in as the chosen user through the exampleUser provider, and forgets the choice on sign-out', async () => {
    fetchMock.mockResolvedValue({
      ok: true,
      json: async () => session('user:default/carol', 'Carol Schmidt'),
    });
    const onSignInSuccess = jest.fn();
    await renderPage(enabled, onSignInSuccess);

    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as carol' }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('http://backend/api/auth/exampleUser/refresh');
    expect(new Headers(init.headers).get('x-example-user')).toBe('carol');
    const identity: IdentityApi = onSignInSuccess.mock.calls[0][0];
    await expect(identity.getBackstageIdentity()).resolves.toMatchObject({
      userEntityRef: 'user:default/carol',
    });
    expect(localStorage.getItem('release-coordinator:sign-in')).toBe(
      JSON.stringify({ provider: 'exampleUser', user: 'carol' }),
    );

    await identity.signOut();
    expect(localStorage.getItem('release-coordinator:sign-in')).toBeNull();
  });

  it('signs in again as the stored user after a reload, without asking', async () => {
    localStorage.setItem(
      'release-coordinator:sign-in',
      JSON.stringify({ provider: 'guest' }),
    );
    fetchMock.mockResolvedValue({
      ok: true,
      json: async () => session('user:default/guest', 'Guest'),
    });
    const onSignInSuccess = jest.fn();
    await renderPage(enabled, onSignInSuccess);

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    expect(fetchMock.mock.calls[0][0]).toBe(
      'http://backend/api/auth/guest/refresh',
    );
  });

  it('is the plain guest sign-in page when example users are off', async () => {
    await renderPage({ enabled: false, users: enabled.users }, jest.fn());
    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText(/Sign in as/)).not.toBeInTheDocument();
    expect(screen.queryByText('Example users (development only)')).toBeNull();
  });

  it('offers GitHub and no guest with the production config (app.signInProviders: [github])', async () => {
    await renderPage({ enabled: false }, jest.fn(), ['github']);
    expect(screen.getByText('GitHub')).toBeInTheDocument();
    expect(
      screen.getByText('Sign in with your GitHub account'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Guest')).toBeNull();
  });
});
