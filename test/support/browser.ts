/**
 * A real headless browser for tests that open the HTML reports: Debian's `chromium` (or the
 * one named by CHROMIUM_PATH), driven by puppeteer-core. Where there is none, tests say so and
 * skip: `.ci/run` installs it when the machine allows.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser's executable, or undefined when none is installed. */
export function browserPath(): string | undefined {
  const named = process.env.CHROMIUM_PATH;
  if (named) return existsSync(named) ? named : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Why browser tests skip here, or undefined when they can run. */
export function noBrowserReason(): string | undefined {
  return browserPath() === undefined
    ? `no headless browser: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH; looked for ${CANDIDATES.join(', ')}`
    : undefined;
}

/** Starts the browser (headless, no sandbox: tests run as root in CI containers). */
export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: browserPath()!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
