import fs from 'fs';
import path from 'path';
import { Browser, Locator, Page } from 'playwright-core';
import { Portal } from './portal';
import { launchChromium, screenshotDir } from './browser';

/**
 * End-to-end: a new user opens the portal in Chromium, signs in as guest,
 * finds the example services and the Release Coordinator tabs.
 */
describe('Release Coordinator portal (Chromium)', () => {
  let portal: Portal;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    portal = await Portal.create();
    await portal.start();
    ({ browser, close: closeBrowser } = await launchChromium());
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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

  it('signs in as guest and lists the example services in the catalog', async () => {
    await page.goto(portal.baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForURL(/\/catalog/);
    // "Owned" (the default filter) lists the guest's team's services ...
    await page.getByRole('link', { name: 'payments-api' }).waitFor();
    // ... and "All" every example service.
    await page.goto(
      `${portal.baseUrl}/catalog?filters[kind]=component&filters[user]=all`,
    );
    for (const service of [
      'checkout-web',
      'invoicing-service',
      'identity-service',
      'notification-gateway',
      'search-indexer',
    ]) {
      await page.getByRole('link', { name: service }).waitFor();
      expect(await page.getByRole('link', { name: service }).count()).toBe(1);
    }
    await screenshot('01-catalog');
  });

  it('shows the three tabs on an example service, each with its content', async () => {
    // The demo module's first pull runs a few seconds after start.
    await waitForDemoHistory(portal, 'payments-api');
    await page.getByRole('link', { name: 'payments-api' }).click();
    await page.waitForURL(/\/catalog\/default\/component\/payments-api/);
    for (const [tab, slug] of [
      ['Release readiness', 'release-readiness'],
      ['Deployments', 'deployments'],
      ['Delivery metrics', 'delivery-metrics'],
    ]) {
      await entityTab(page, tab).click();
      await page.waitForURL(new RegExp(`/payments-api/${slug}`));
      await page.getByText(tab, { exact: true }).last().waitFor();
      // The tab renders its own content, not an error panel.
      await expectNoErrorPanel(page);
      expect(await selectedEntityTab(page).innerText()).toBe(tab);
      await screenshot(`02-payments-api-${slug}`);
    }
  });

  it('shows the Release status card on the Overview tab', async () => {
    await page.goto(`${portal.baseUrl}/catalog/default/component/payments-api`);
    expect(await selectedEntityTab(page).innerText()).toBe('Overview');
    const card = page.getByTestId('release-status-card');
    // The demo history has run in production and staging.
    await card.getByTestId('release-status-production').waitFor();
    await card.getByTestId('release-status-staging').waitFor();
    expect(
      await card.getByTestId('release-status-production').innerText(),
    ).toMatch(/^production: \d+\.\d+\.\d+/);
    await card.getByRole('region', { name: 'Awaiting approval' }).waitFor();
    await card.getByRole('region', { name: 'Last rollback' }).waitFor();
    await expectNoErrorPanel(page);
    await screenshot('05-payments-api-overview-release-status');
  });

  it('shows the demo deployment history on the Deployments tab', async () => {
    await page.goto(
      `${portal.baseUrl}/catalog/default/component/payments-api/deployments`,
    );
    // Real (demo) history: the banner says so, and rows are listed.
    await page.getByText(/^Demo data/).waitFor();
    await page.getByText('History', { exact: true }).waitFor();
    expect(await page.getByRole('row').count()).toBeGreaterThan(2);
  });

  it('shows ten metric cards computed from the stored history', async () => {
    await page.goto(
      `${portal.baseUrl}/catalog/default/component/payments-api/delivery-metrics`,
    );
    await page.getByTestId('metric-value').first().waitFor();
    // The ten metrics of docs/metrics.md, deployment rework rate the last.
    expect(await page.getByTestId('metric-value').count()).toBe(10);
    await page.getByRole('group', { name: 'Deployment rework rate' }).waitFor();
    const frequency = await page
      .getByRole('group', { name: 'Deployment frequency' })
      .getByTestId('metric-value')
      .innerText();
    expect(frequency).not.toBe('—');
    await screenshot('04-payments-api-delivery-metrics-values');
  });

  it('shows no Release Coordinator tabs for an entity without annotations', async () => {
    await page.goto(
      `${portal.baseUrl}/catalog/default/component/legacy-reporting`,
    );
    await entityTab(page, 'Overview').waitFor();
    expect(await entityTab(page, 'Deployments').count()).toBe(0);
    expect(await entityTab(page, 'Release readiness').count()).toBe(0);
    expect(await entityTab(page, 'Delivery metrics').count()).toBe(0);
    expect(await page.getByTestId('release-status-card').count()).toBe(0);
  });

  it('shows the Delivery overview tab on a Group and a System page', async () => {
    for (const [kind, name] of [
      ['group', 'payments-team'],
      ['system', 'checkout'],
    ]) {
      await page.goto(`${portal.baseUrl}/catalog/default/${kind}/${name}`);
      await entityTab(page, 'Delivery overview').click();
      await page.waitForURL(new RegExp(`/${name}/delivery-overview`));
      await page
        .getByText('Delivery overview', { exact: true })
        .last()
        .waitFor();
      await expectNoErrorPanel(page);
      expect(await entityTab(page, 'Delivery overview').count()).toBe(1);
      expect(await selectedEntityTab(page).innerText()).toBe(
        'Delivery overview',
      );
      await screenshot(`03-${kind}-${name}-delivery-overview`);
    }
  });
});

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

/**
 * An entity page's tab: on the new frontend system a link in the page
 * header's "Content navigation".
 */
function entityTab(page: Page, name: string): Locator {
  return page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name, exact: true });
}

/** The entity page's current tab (the one link marked as the current page). */
function selectedEntityTab(page: Page): Locator {
  return page
    .getByRole('navigation', { name: 'Content navigation' })
    .locator('a[aria-current="page"]');
}

async function expectNoErrorPanel(page: Page) {
  const errors = await page
    .locator('[role="alert"], .MuiAlert-standardError')
    .allInnerTexts();
  expect(errors.filter(text => /error|failed/i.test(text))).toEqual([]);
}
