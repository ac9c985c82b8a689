/**
 * Headless Debian chromium driven by puppeteer-core, for tests that check how pictures actually render.
 * CI installs the browser with: apt-get install -y chromium
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { ROOT_DIR } from '../helpers/netns.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_REQUIREMENT = '(needs headless chromium: apt-get install -y chromium)';
/** Screenshots land here (gitignored), so a reviewer can look at what the assertions judged. */
export const ARTIFACTS = join(ROOT_DIR, 'test/pictures/.artifacts');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { launch } = await import('puppeteer-core');
  return launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}
