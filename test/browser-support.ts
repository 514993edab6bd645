// What the browser tests share: Debian's Chromium launched the one way (never a downloaded browser), axe-core
// run in a page, and the check that a page does not scroll sideways.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** For describe's `skip`: a reason when there is no browser here. */
export const NO_CHROMIUM: string | false = !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}`;
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
}

export interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.1 A/AA and best-practice violations (evaluated through DevTools, so the page's CSP stays strict). */
export async function axeViolations(page: Page | Frame): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { html: string }[] }[] }> };
      }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html).slice(0, 3) }));
  });
}

export async function assertAccessible(page: Page | Frame, label: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${label}: ${JSON.stringify(violations, null, 2)}`);
}

/** How much wider than its window a page renders (0: no sideways scrolling). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export async function assertNoHorizontalScroll(page: Page, label: string): Promise<void> {
  const overflow = await sidewaysOverflow(page);
  assert.equal(overflow, 0, `${label}: ${overflow} px wider than the window`);
}
