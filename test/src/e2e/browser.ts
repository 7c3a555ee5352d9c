import { Browser, chromium } from 'playwright-core';
import fs from 'fs';
import path from 'path';

/**
 * Launches Debian's headless Chromium with a fresh profile (Playwright makes
 * a new temporary user-data-dir per launch). CHROMIUM_PATH is set by
 * scripts/test.sh; a missing browser is an error, never a skip.
 */
export async function launchChromium(): Promise<{
  browser: Browser;
  close: () => Promise<void>;
}> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}; run scripts/test.sh, which installs it`,
    );
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

/** Where screenshots go (kept for the closing note and CI artefacts). */
export const screenshotDir = path.resolve(
  // The suite runs from source, never from a production build.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../test-results/e2e-screenshots',
);
