import { Portal } from './portal';

/**
 * The embedded defaults keep state in SQLite files: a release created
 * before a restart of the backend is still there after it.
 */
describe('Portal state across a restart (SQLite files)', () => {
  let portal: Portal;

  beforeAll(async () => {
    portal = await Portal.create();
    await portal.start();
  });

  afterAll(async () => {
    await portal?.stop();
    portal?.cleanup();
  });

  it('keeps a release created before the restart', async () => {
    const releasesUrl = `${portal.baseUrl}/api/release-coordinator/entities/component/default/checkout-web/releases`;
    const created = await fetch(releasesUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await portal.guestToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        version: '9.9.9-persistence',
        environment: 'staging',
        commitSha: 'abcdef1234567',
        plan: {
          strategy: 'canary',
          zeroDowntime: true,
          hasDatabaseMigrations: false,
          hasConfigChanges: false,
        },
      }),
    });
    expect(created.status).toBe(201);

    await portal.stop();
    await portal.start();

    const listed = await fetch(releasesUrl, {
      headers: { authorization: `Bearer ${await portal.guestToken()}` },
    });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { items: Array<{ version: string }> };
    expect(body.items.map(release => release.version)).toContain(
      '9.9.9-persistence',
    );
  });
});
