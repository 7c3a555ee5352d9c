import fs from 'fs';
import path from 'path';
import { Browser, Locator, Page } from 'playwright-core';
import { Portal } from './portal';
import { launchChromium, screenshotDir } from './browser';

const SERVICE = 'payments-api';
const DEPLOYMENTS_PATH = `/catalog/default/component/${SERVICE}/deployments`;
const REASON = 'e2e: checkout error rate doubled after the last deploy';

/**
 * End-to-end in Chromium, in the default portal (demo provider, guest
 * sign-in): a payments-team member (guest, an owner of payments-api, whom
 * the example policy lets roll back) rolls production back from the
 * Deployments tab and finds the rollback in the history, marked with who
 * asked and why.
 */
describe('Rollback from the Deployments tab (Chromium)', () => {
  let portal: Portal;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let currentVersion: string;
  let targetVersion: string;
  let plannedTarget: string;

  beforeAll(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    portal = await Portal.create();
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

  function productionCard(): Locator {
    return page.getByTestId('environment-production');
  }

  async function api<T>(route: string): Promise<T> {
    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator${route}`,
      { headers: { authorization: `Bearer ${await portal.guestToken()}` } },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  it('offers Rollback on the production card of an owned service', async () => {
    await waitForDemoHistory(portal, SERVICE);
    await page.goto(portal.baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForURL(/\/catalog/);

    await page.goto(`${portal.baseUrl}${DEPLOYMENTS_PATH}`);
    const button = productionCard().getByRole('button', {
      name: 'Rollback production',
    });
    await button.waitFor();
    await expectEnabled(button);
    // What the backend plans: the dialog must show the same versions.
    const plan = await api<{
      current?: { version: string };
      target?: { version: string };
    }>(
      `/entities/component/default/${SERVICE}/rollbacks/plan?environment=production`,
    );
    expect(plan.current).toBeDefined();
    expect(plan.target).toBeDefined();
    currentVersion = plan.current!.version;
    plannedTarget = plan.target!.version;
    await productionCard().getByText(currentVersion).first().waitFor();
    await screenshot('20-deployments-rollback-button');
  });

  it('shows current → target and the commits, and asks for a reason', async () => {
    await productionCard()
      .getByRole('button', { name: 'Rollback production' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Roll back production' });
    const versions = dialog.getByTestId('rollback-versions');
    await versions.waitFor();
    const [from, to] = (await versions.locator('p').first().innerText())
      .split('→')
      .map(part => part.trim());
    expect(from).toBe(currentVersion);
    expect(to).toBe(plannedTarget);
    expect(to).not.toBe(from);
    targetVersion = to;
    await dialog.getByText(/commits? will be undone/).waitFor();

    const submit = dialog.getByRole('button', { name: 'Roll back' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel(/Reason/).fill(REASON);
    // Demo releases may have migrated the database: confirm when asked.
    const confirmation = dialog.getByLabel(
      /target version works with the migrated database/,
    );
    if ((await confirmation.count()) > 0) {
      await confirmation.check();
    }
    await expectEnabled(submit);
    await screenshot('21-rollback-dialog');

    await submit.click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the rollback on the card and in the history, by guest with the reason', async () => {
    // The demo provider finishes at once: the card shows the outcome.
    await productionCard()
      .getByText(`Rolled back from ${currentVersion} to ${targetVersion}`)
      .waitFor();
    await productionCard().getByText('Requested by guest').waitFor();
    // The card's current version becomes the target, marked "(rollback)".
    await productionCard().getByText(`${targetVersion} (rollback)`).waitFor();
    await screenshot('22-rollback-on-card');

    const marker = page.getByText(`by guest: “${REASON}”`);
    await marker.waitFor();
    const row = page.getByRole('row').filter({ has: marker });
    await row.getByText('Rollback', { exact: true }).waitFor();
    await row.getByText(`of ${currentVersion}`).waitFor();
    expect(await row.getByRole('cell').first().innerText()).toBe(targetVersion);
    await row.scrollIntoViewIfNeeded();
    await screenshot('23-rollback-in-history');

    // The backend agrees: one succeeded rollback, by guest, with the reason.
    const { items } = await api<{
      items: Array<{
        state: string;
        initiator: string;
        reason: string;
        targetVersion: string;
        fromVersion?: string;
      }>;
    }>(
      `/entities/component/default/${SERVICE}/rollbacks?environment=production`,
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      state: 'succeeded',
      initiator: 'user:default/guest',
      reason: REASON,
      targetVersion,
      fromVersion: currentVersion,
    });
  });
});

/** Waits until the (initially disabled, loading) button is enabled. */
async function expectEnabled(button: Locator) {
  const deadline = Date.now() + 30_000;
  while (await button.isDisabled()) {
    if (Date.now() > deadline) {
      throw new Error(`${await button.innerText()} stayed disabled`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Waits for the demo module's first pull of the service (a few seconds after start). */
async function waitForDemoHistory(portal: Portal, name: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const response = await fetch(
      `${portal.baseUrl}/api/release-coordinator/entities/component/default/${name}/deployments?limit=1`,
      { headers: { authorization: `Bearer ${await portal.guestToken()}` } },
    );
    const body = response.ok
      ? ((await response.json()) as { items: unknown[] })
      : { items: [] };
    if (body.items.length > 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`No demo deployments for ${name} after 90 s`);
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}
