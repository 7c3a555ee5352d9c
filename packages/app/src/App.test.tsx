import { render, screen, waitFor } from '@testing-library/react';
import { createPortalApp } from './App';

jest.setTimeout(30_000);

describe('App (new frontend system)', () => {
  const env = process.env;
  afterEach(() => {
    process.env = env;
  });

  function configure(data: object) {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [{ data, context: 'test' }] as any,
    };
  }

  it('renders the guest sign-in page', async () => {
    configure({
      app: { title: 'Release Coordinator' },
      backend: { baseUrl: 'http://localhost:7007' },
    });
    // A fresh app per test: an app reads its config once, when it renders.
    render(createPortalApp().createRoot());
    await waitFor(() => expect(screen.getByText('Guest')).toBeInTheDocument(), {
      timeout: 10_000,
    });
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });

  it('offers the example users when they are enabled', async () => {
    configure({
      app: { title: 'Release Coordinator' },
      backend: { baseUrl: 'http://localhost:7007' },
      auth: {
        providers: {
          exampleUser: {
            enabled: true,
            users: [{ name: 'carol', description: 'SRE, production approver' }],
          },
        },
      },
    });
    render(createPortalApp().createRoot());
    expect(
      await screen.findByRole(
        'button',
        { name: 'Sign in as carol' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Example users (development only)')).toBeVisible();
  });
});
