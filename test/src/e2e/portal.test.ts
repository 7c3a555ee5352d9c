import fs from 'fs';
import path from 'path';
import { Browser, Page } from 'playwright-core';
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
    await page.getByRole('link', { name: 'payments-api' }).click();
    await page.waitForURL(/\/catalog\/default\/component\/payments-api/);
    for (const [tab, slug] of [
      ['Release readiness', 'release-readiness'],
      ['Deployments', 'deployments'],
      ['Delivery metrics', 'delivery-metrics'],
    ]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForURL(new RegExp(`/payments-api/${slug}`));
      await page.getByText(tab, { exact: true }).last().waitFor();
      // The tab renders its own content, not an error panel.
      await expectNoErrorPanel(page);
      expect(await page.getByRole('tab', { selected: true }).innerText()).toBe(
        tab.toLocaleUpperCase('en-US'),
      );
      await screenshot(`02-payments-api-${slug}`);
    }
  });

  it('shows no Release Coordinator tabs for an entity without annotations', async () => {
    await page.goto(
      `${portal.baseUrl}/catalog/default/component/legacy-reporting`,
    );
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Deployments' }).count()).toBe(
      0,
    );
  });

  it('shows the Delivery overview tab on a Group and a System page', async () => {
    for (const [kind, name] of [
      ['group', 'payments-team'],
      ['system', 'checkout'],
    ]) {
      await page.goto(`${portal.baseUrl}/catalog/default/${kind}/${name}`);
      await page.getByRole('tab', { name: 'Delivery overview' }).click();
      await page.waitForURL(new RegExp(`/${name}/delivery-overview`));
      await page
        .getByText('Delivery overview', { exact: true })
        .last()
        .waitFor();
      await expectNoErrorPanel(page);
      expect(
        await page.getByRole('tab', { name: 'Delivery overview' }).count(),
      ).toBe(1);
      await screenshot(`03-${kind}-${name}-delivery-overview`);
    }
  });
});

async function expectNoErrorPanel(page: Page) {
  const errors = await page
    .locator('[role="alert"], .MuiAlert-standardError')
    .allInnerTexts();
  expect(errors.filter(text => /error|failed/i.test(text))).toEqual([]);
}
