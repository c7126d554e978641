import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where the screenshots go: `artifacts/screenshots/` at the repository root (git-ignored). */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../../../artifacts/screenshots/', import.meta.url),
);

/** The widths every page is checked and photographed at: a laptop and a phone. */
export const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
] as const;

/** Polls `check` until it holds, or fails with `message` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  message: string,
  timeoutMs = 15_000,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until nothing on the page is loading (no `aria-busy="true"` placeholder). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('[aria-busy="true"]').length === 0,
    undefined,
    {
      timeout: 15_000,
    },
  );
}

/**
 * Screenshots of the current page (full length unless `fullPage: false`, for an open drawer or
 * dialog) at each of {@link WIDTHS}, as `<name>-<width>.png`; checks that nothing overflows
 * sideways at any width. Leaves the page at the first width.
 */
export async function screenshotAtWidths(
  page: Page,
  name: string,
  options: { readonly fullPage?: boolean } = {},
): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    // Charts re-measure their container on resize (ResizeObserver, then a render).
    await page.waitForTimeout(400);
    await settled(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    if (overflow > 1)
      throw new Error(`${name} overflows sideways by ${overflow}px at ${size.width}px`);
    await page.screenshot({
      path: `${SCREENSHOTS}${name}-${size.width}.png`,
      fullPage: options.fullPage ?? true,
    });
  }
  await page.setViewportSize(WIDTHS[0]);
}
