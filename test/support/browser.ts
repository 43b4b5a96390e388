import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { unpackedNpmChromium } from './npm-chromium';

/**
 * The few browser globals the functions below run in the page (the test tsconfig has no DOM lib, on purpose: the
 * service code must not see browser types).
 */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): { length: number };
  documentElement: { scrollWidth: number };
};
declare const sessionStorage: { getItem(key: string): string | null };
declare function getComputedStyle(element: PageElement): { strokeDasharray: string };

/** Debian's `chromium` package, when the machine has it; otherwise the Chromium that @sparticuz/chromium ships. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

const SYSTEM_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const ARTIFACTS_DIR = resolve(__dirname, '../artifacts');

/**
 * A real Chromium on any machine with Node alone: `CHROMIUM_PATH` when set, the system one when installed, else the
 * binary inside the @sparticuz/chromium dev dependency (nothing is downloaded at test time).
 */
export async function launchBrowser(): Promise<Browser> {
  const systemPath = process.env.CHROMIUM_PATH ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (systemPath) return chromium.launch({ executablePath: systemPath, args: SYSTEM_CHROMIUM_ARGS });
  const npm = await unpackedNpmChromium();
  return chromium.launch({ executablePath: npm.executablePath, args: npm.args, headless: true, env: npm.env });
}

export interface OpenedPage {
  page: Page;
  /** Uncaught exceptions and console errors: a test ends by asserting there were none. */
  errors: string[];
}

/** A fresh context per page, in UTC so datetime-local values in tests mean the same instant everywhere. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 900 },
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `2026-01-02T03:04:05.678Z` as the value a datetime-local input holds in a UTC page. */
export function toLocalInputValue(iso: string): string {
  return iso.replace(/Z$/, '');
}

const WAIT_MS = 15_000;

/**
 * Waits until the first element matching `selector` has exactly `text` (trimmed). The page settles when its
 * fetches land; the browser re-checks on every frame, so there is no fixed delay anywhere.
 */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, expected]) => document.querySelector(sel)?.textContent?.trim() === expected,
      [selector, text] as const,
      { timeout: WAIT_MS },
    );
  } catch {
    const actual = await page.evaluate((sel) => document.querySelector(sel)?.textContent?.trim() ?? null, selector);
    throw new Error(`expected ${selector} to read ${JSON.stringify(text)}, it reads ${JSON.stringify(actual)}`);
  }
}

export interface CountRange {
  min?: number;
  max?: number;
}

/** Waits until `selector` matches exactly `count` elements (or a number in the range); returns the count. */
export async function waitForCount(page: Page, selector: string, count: number | CountRange): Promise<number> {
  const range = typeof count === 'number' ? { min: count, max: count } : count;
  const read = () => page.evaluate((sel) => document.querySelectorAll(sel).length, selector);
  try {
    await page.waitForFunction(
      ([sel, min, max]) => {
        const n = document.querySelectorAll(sel).length;
        return n >= min && n <= max;
      },
      [selector, range.min ?? 0, range.max ?? Number.MAX_SAFE_INTEGER] as const,
      { timeout: WAIT_MS },
    );
  } catch {
    throw new Error(`expected ${selector} to match ${JSON.stringify(range)} elements, it matches ${await read()}`);
  }
  return read();
}

/** The computed dash pattern of an SVG stroke: 'none' for a solid line. */
export function strokeDashArray(locator: Locator): Promise<string> {
  return locator.evaluate((element) => getComputedStyle(element as unknown as PageElement).strokeDasharray);
}

export function attributeOfAll(locator: Locator, name: string): Promise<Array<string | null>> {
  return locator.evaluateAll((elements, attr) => elements.map((el) => (el as unknown as PageElement).getAttribute(attr)), name);
}

export function textOfAll(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) => elements.map((el) => (el as unknown as PageElement).textContent ?? ''));
}

export function pageScrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

export function sessionItem(page: Page, key: string): Promise<string | null> {
  return page.evaluate((k) => sessionStorage.getItem(k), key);
}
