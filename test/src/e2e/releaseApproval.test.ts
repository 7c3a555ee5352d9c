import fs from 'fs';
import path from 'path';
import { Browser, Locator, Page } from 'playwright-core';
import { Portal } from './portal';
import { launchChromium, screenshotDir } from './browser';

const SERVICE_PATH =
  '/catalog/default/component/payments-api/release-readiness';
const VERSION = '3.0.0-e2e-approval';
const COMMIT_SHA = '3f6c2a9d81b04e7c9a5d2b1f0e8c7d6a5b4c3d2e';

/** Items a CI pipeline reports for the commit (all automatic ones). */
const CI_EVIDENCE = [
  { itemId: 'tests-passing', status: 'passed' },
  { itemId: 'code-coverage', status: 'passed', value: '87.5' },
  { itemId: 'security-scan', status: 'passed' },
  { itemId: 'secrets-not-exposed', status: 'passed' },
  { itemId: 'image-scanned', status: 'passed' },
  { itemId: 'team-communication-sent', status: 'passed' },
];

/** Manual items of a plan without migrations or config changes, attested in the UI. */
const MANUAL_ITEMS = [
  'deployment-plan-documented',
  'rollback-procedure-tested',
  'monitoring-alerts-configured',
];

/**
 * End-to-end in Chromium: the release of a production version of
 * payments-api, from its creation by a payments-team member (guest) to its
 * approval by an SRE (carol), with the separation of duties visible on the
 * way. Switching user goes through the development-only example-user
 * sign-in: sign out in Settings, then sign in as someone else.
 */
/** The static external-access token of the portal's CI (a service principal). */
const CI_TOKEN = 'e2e-ci-evidence-token-0123456789';

describe('Release approval across two people (Chromium)', () => {
  let portal: Portal;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let releaseId: string;

  beforeAll(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    // CI pushes its evidence with a static external-access token (a service
    // principal): users, owners included, may not push machine input.
    portal = await Portal.create({
      extraEnv: {
        APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
          {
            type: 'static',
            options: { token: CI_TOKEN, subject: 'e2e-ci' },
          },
        ]),
      },
    });
    await portal.start();
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await portal?.stop();
    portal?.cleanup();
  });

  async function screenshot(name: string) {
    await page.screenshot({
      path: path.join(screenshotDir, `${name}.png`),
      fullPage: true,
    });
  }

  function releaseHeading(): Locator {
    return page.locator('h2', { hasText: VERSION });
  }

  /** The release's heading line: version, environment, state chip, creator. */
  function summary(): Locator {
    return page.locator('div', { has: releaseHeading() }).last();
  }

  /** Waits until the state chip next to the version shows `state`. */
  async function expectState(state: string) {
    await summary()
      .getByText(state, { exact: true })
      .waitFor({ timeout: 15_000 });
  }

  function approvals(): Locator {
    return page.getByRole('region', { name: 'Approvals' });
  }

  async function openRelease() {
    await page.goto(`${portal.baseUrl}${SERVICE_PATH}?release=${releaseId}`);
    await releaseHeading().waitFor();
  }

  it('offers guest and the example users on the sign-in page', async () => {
    await page.goto(portal.baseUrl);
    await page.getByText('Example users (development only)').waitFor();
    await page.getByRole('button', { name: 'Sign in as erin' }).waitFor();
    expect(
      await page.getByRole('button', { name: /^Sign in as / }).allInnerTexts(),
    ).toEqual(
      ['guest', 'alice', 'bob', 'carol', 'dave', 'erin'].map(
        name => `SIGN IN AS ${name.toLocaleUpperCase('en-US')}`,
      ),
    );
    expect(await page.getByRole('button', { name: 'Enter' }).count()).toBe(1);
    await screenshot('10-sign-in-example-users');
  });

  it('lets guest create a production release in the New release dialog', async () => {
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForURL(/\/catalog/);

    await page.goto(`${portal.baseUrl}${SERVICE_PATH}`);
    await page.getByRole('button', { name: 'New release' }).click();
    const dialog = page.getByRole('dialog', { name: 'New release' });
    await dialog.getByLabel('Version').fill(VERSION);
    await dialog.getByLabel('Environment').fill('production');
    await dialog.getByLabel('Commit SHA').fill(COMMIT_SHA);
    await dialog.getByLabel('Strategy').selectOption('canary');
    await dialog.getByLabel('Zero downtime').check();
    await screenshot('11-new-release-dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The tab opens the new release (its id is in the URL).
    await page.waitForURL(/[?&]release=/);
    releaseId = new URL(page.url()).searchParams.get('release')!;
    await releaseHeading().waitFor();
    await expectState('draft');
    await expect(
      page.getByText('created by user:default/guest').count(),
    ).resolves.toBeGreaterThan(0);
  });

  it('takes CI evidence through the API and manual attestations in the tab', async () => {
    // The guest owns payments-api but is not a machine: pushing evidence as
    // a user is refused, and the refusal changes nothing.
    const asGuest = await fetch(
      `${portal.baseUrl}/api/release-coordinator/releases/${releaseId}/evidence`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await portal.guestToken()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          items: [{ ...CI_EVIDENCE[0], source: 'ci', commitSha: COMMIT_SHA }],
        }),
      },
    );
    expect(asGuest.status).toBe(403);

    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator/releases/${releaseId}/evidence`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CI_TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          items: CI_EVIDENCE.map(item => ({
            ...item,
            source: 'ci',
            commitSha: COMMIT_SHA,
            url: 'https://ci.example.com/payments-api/runs/4711',
          })),
        }),
      },
    );
    expect(response.status).toBe(200);

    await openRelease();
    for (const itemId of CI_EVIDENCE.map(item => item.itemId)) {
      await page
        .getByTestId(`checklist-item-${itemId}`)
        .getByText('via ci')
        .waitFor();
    }

    for (const itemId of MANUAL_ITEMS) {
      const row = page.getByTestId(`checklist-item-${itemId}`);
      await row.getByRole('button', { name: 'Attest' }).click();
      const dialog = page.getByRole('dialog');
      await dialog
        .getByLabel('Evidence URL')
        .fill(`https://wiki.example.com/payments-api/${itemId}`);
      await dialog.getByLabel('Comment').fill('Checked for the e2e release');
      await dialog.getByRole('button', { name: 'Attest' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByText('recorded by user:default/guest').waitFor();
      expect(await row.getByRole('button', { name: 'Attest' }).count()).toBe(0);
    }

    await expectState('ready');
    await screenshot('12-release-ready');
  });

  it('refuses the creator’s own approval with a visible explanation', async () => {
    await approvals().getByRole('button', { name: 'Approve' }).click();
    const refusal = approvals().getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(
      /user:default\/guest created this release and may not approve it \(separation of duties\)/,
    );
    await expectState('ready');
    await screenshot('13-self-approval-refused');
  });

  it('switches to carol (SRE) by signing out and in, and carol approves', async () => {
    await page.goto(`${portal.baseUrl}/settings`);
    await page.getByTestId('user-settings-menu').click();
    await page.getByTestId('sign-out').click();
    await page
      .getByRole('button', { name: 'Sign in as carol' })
      .click({ timeout: 30_000 });
    await page.waitForURL(/\/catalog/);

    // Settings shows who is signed in.
    await page.goto(`${portal.baseUrl}/settings`);
    await page.getByText('Carol Schmidt').first().waitFor();
    await page.getByLabel('sidebar nav').getByText('Carol Schmidt').waitFor();
    await screenshot('14-signed-in-as-carol');

    await openRelease();
    await expectState('ready');
    await approvals()
      .getByLabel('Comment (optional)')
      .fill('Approved for production by SRE');
    await approvals().getByRole('button', { name: 'Approve' }).click();
    await expectState('approved');
    await approvals().getByText('user:default/carol').first().waitFor();
    await screenshot('15-release-approved-by-carol');

    // The backend agrees: one approval, by carol.
    const details = await fetch(
      `${portal.baseUrl}/api/release-coordinator/releases/${releaseId}`,
      {
        headers: { authorization: `Bearer ${await portal.userToken('carol')}` },
      },
    );
    expect(details.status).toBe(200);
    const body = (await details.json()) as {
      release: { state: string; createdBy: string };
      approvals: Array<{ approver?: string; decision?: string }>;
      approvalsRemaining: number;
    };
    expect(body.release.state).toBe('approved');
    expect(body.release.createdBy).toBe('user:default/guest');
    expect(body.approvalsRemaining).toBe(0);
    expect(JSON.stringify(body.approvals)).toContain('user:default/carol');
  });
});
