/**
 * @jest-environment node
 */
// The dashboard in real headless Chromium against the real server: log in, watch simulated
// traffic arrive on the Overview, pin a weight and see the next 500 requests follow it,
// disable a provider and see its traffic stop, force a breaker open and see it in the UI,
// with screenshots of every page at 1280 and 390 px in artifacts/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { eventually, screenshotAtWidths, settled } from './support/page-helpers';
import { adminToken, startStiltsServer, type StiltsServer } from './support/stilts-server';
import { sendChats, type TrafficResult } from './support/traffic';

const SCENARIO = fileURLToPath(new URL('./fixtures/e2e-scenario.json', import.meta.url));
const ROUTE = 'chat-default';
const PINNED = 'sim-anthropic/claude-haiku-4-5';
const DISABLED_PROVIDER = 'sim-gemini';
const BROKEN = 'sim-openai/gpt-4o-mini';

let server: StiltsServer;
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let token: string;
/** When the server started: the Weights page is shown from then on (the job runs every 2 s). */
let startedAt: number;
const traffic: TrafficResult[] = [];

/** A custom range from the server's start to a little after now, as URL parameters. */
function sinceStart(): string {
  const to = new Date(Date.now() + 5_000).toISOString();
  return `range=custom&from=${new Date(startedAt).toISOString()}&to=${to}`;
}

async function drive(count: number): Promise<TrafficResult> {
  const result = await sendChats({
    url: server.url,
    apiKey: server.credentials.get('STILTS_API_KEY'),
    route: ROUTE,
    count,
  });
  expect(Object.fromEntries(result.statuses)).toEqual({ 200: count });
  traffic.push(result);
  return result;
}

async function open(path: string, heading: string): Promise<void> {
  await page.goto(`${server.url}/admin${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await settled(page);
}

function deploymentRow(deploymentId: string) {
  return page
    .getByRole('table', { name: `Deployments of ${ROUTE}` })
    .getByRole('row')
    .filter({ hasText: deploymentId });
}

async function confirmOverride(
  title: string,
  reason: string,
  fill?: () => Promise<void>,
): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await fill?.();
  await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole('button', { name: title }).click();
  await page.getByText(`${title}: done.`).waitFor();
  await dialog.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  startedAt = Date.now() - 5_000;
  server = await startStiltsServer({
    STILTS_SIMULATOR: 'on',
    SIM_SCENARIO: SCENARIO,
    WEIGHTS_INTERVAL_MS: '2000',
    RECORDER_FLUSH_INTERVAL_MS: '100',
  });
  token = adminToken(server);
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 30_000);

describe('the dashboard in Chromium', () => {
  it('sends a visitor to the login page and back where they were going', async () => {
    await page.goto(`${server.url}/admin/routes`);
    await page.waitForURL(/\/admin\/login\?next=%2Froutes$/);
    await page.getByLabel('Admin token', { exact: true }).fill('st-admin-not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await screenshotAtWidths(page, 'login');

    await page.getByLabel('Admin token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Routes & providers' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/routes');
    const cookies = await browser.context.cookies(`${server.url}/admin/api/session`);
    const session = cookies.find((c) => c.httpOnly);
    expect(session?.sameSite).toBe('Strict');
    expect(
      await page.evaluate(() => window.localStorage.length + window.sessionStorage.length),
    ).toBe(0);
  }, 30_000);

  it('shows traffic driven through the gateway on the Overview, one line per provider', async () => {
    const result = await drive(120);
    await open('/?refresh=off', 'Overview');
    await eventually(async () => {
      await page.reload();
      await settled(page);
      return page.getByText('120 requests in range').isVisible();
    }, 'the Overview counts the 120 requests');
    const chart = page.getByRole('region', { name: 'Requests per minute' });
    for (const provider of result.providers.keys()) {
      await chart.getByRole('listitem').filter({ hasText: provider }).waitFor();
    }
    expect(await chart.locator('.recharts-line').count()).toBe(result.providers.size);
  }, 30_000);

  it('pins a weight, and the next 500 requests follow it', async () => {
    await open('/routes', 'Routes & providers');
    await page.getByRole('button', { name: `Manage ${PINNED} in ${ROUTE}` }).click();
    const drawer = page.getByRole('dialog', { name: PINNED });
    await drawer.getByRole('button', { name: 'Pin weight' }).click();
    await confirmOverride('Pin weight', 'e2e: send most traffic to haiku', async () => {
      await page.getByLabel('Share of first picks (%)').fill('70');
    });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await eventually(
      async () =>
        (await deploymentRow(PINNED)
          .getByRole('meter', { name: 'effective weight' })
          .getAttribute('aria-valuetext')) === '70 %',
      'the effective weight shows the pin',
    );

    const result = await drive(500);
    const share = (result.deployments.get(PINNED) ?? 0) / 500;
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.8);

    await page
      .getByRole('table', { name: 'Overrides in force' })
      .getByText(`pin ${PINNED} 70 %`)
      .waitFor();
    await open(`/weights?route=${ROUTE}&${sinceStart()}`, 'Weights');
    await page
      .getByRole('list', { name: 'Overrides in this range' })
      .getByText(`pin ${PINNED} 70 %`)
      .waitFor();
  }, 60_000);

  it('releases the pin from the overrides in force', async () => {
    await open('/routes', 'Routes & providers');
    await page.getByRole('button', { name: `Revoke pin ${PINNED} 70 %` }).click();
    await confirmOverride('Release pin', 'e2e: back to the bandit');
    await page.getByText('No overrides').waitFor();
  }, 30_000);

  it('disables a provider, and its traffic stops', async () => {
    const before = traffic.reduce((n, t) => n + (t.providers.get(DISABLED_PROVIDER) ?? 0), 0);
    expect(before).toBeGreaterThan(0);
    await open('/routes', 'Routes & providers');
    await page.getByRole('button', { name: `Disable provider ${DISABLED_PROVIDER}` }).click();
    await page
      .getByRole('dialog', { name: 'Disable provider' })
      .getByRole('button', { name: `Disable ${DISABLED_PROVIDER}` })
      .click();
    await page.getByText(`Provider ${DISABLED_PROVIDER} disabled.`).waitFor();
    await page
      .getByRole('table', { name: 'Providers' })
      .getByRole('row')
      .filter({ hasText: DISABLED_PROVIDER })
      .getByText('disabled')
      .waitFor();

    const after = await drive(200);
    expect(after.providers.get(DISABLED_PROVIDER) ?? 0).toBe(0);
  }, 30_000);

  it('forces a breaker open: the UI shows it and no call reaches the deployment', async () => {
    await open('/routes', 'Routes & providers');
    await page.getByRole('button', { name: `Manage ${BROKEN} in ${ROUTE}` }).click();
    await page
      .getByRole('dialog', { name: BROKEN })
      .getByRole('button', { name: 'Force breaker open' })
      .click();
    await confirmOverride('Force breaker open', 'e2e: simulate a provider incident');
    await page.keyboard.press('Escape');
    await deploymentRow(BROKEN).getByText('forced open').waitFor();

    const result = await drive(150);
    expect(result.deployments.get(BROKEN) ?? 0).toBe(0);
  }, 30_000);

  it('explains a call in the Calls drawer', async () => {
    await open('/calls?range=1h', 'Calls');
    await page.getByRole('table', { name: 'Calls' }).getByRole('row').nth(1).click();
    const drawer = page.getByRole('dialog', { name: 'Request' });
    await drawer.getByRole('heading', { name: 'Why these deployments' }).waitFor();
    await drawer.getByRole('table', { name: /^Attempts of request/ }).waitFor();
    await settled(page);
    await screenshotAtWidths(page, 'calls-detail', { fullPage: false });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  }, 30_000);

  it('lists the changes in the audit log', async () => {
    await open('/audit', 'Audit log');
    const rows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    await eventually(
      async () => (await rows.count()) >= 4,
      'the overrides and the provider change are audited',
    );
  }, 30_000);

  it('creates a budget and shows its spend against it', async () => {
    await open('/budgets', 'Budgets');
    await page.getByText('No budgets').waitFor();
    await page.getByRole('button', { name: 'New budget' }).click();
    const dialog = page.getByRole('dialog', { name: 'New budget' });
    await dialog.getByLabel('Name').fill('All traffic, daily');
    await dialog.getByLabel('Amount (USD)').fill('50');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await page.getByText('Budget All traffic, daily saved.').waitFor();
    const card = page.getByRole('region', { name: 'All traffic, daily' });
    await card.getByText('of $50.00').waitFor();
    expect(await card.getByRole('progressbar').getAttribute('aria-valuetext')).toMatch(/spent/);
    await open('/?refresh=off', 'Overview');
    await page.getByText('of $50.00 daily budget').waitFor();
  }, 30_000);

  it('looks right on every page at 1280 and 390 px', async () => {
    const pages: [string, string, string][] = [
      ['/?refresh=off', 'Overview', 'overview'],
      ['/routes', 'Routes & providers', 'routes'],
      [`/weights?route=${ROUTE}&${sinceStart()}`, 'Weights', 'weights'],
      ['/budgets', 'Budgets', 'budgets'],
      ['/calls?range=1h', 'Calls', 'calls'],
      ['/keys', 'Keys', 'keys'],
      ['/audit', 'Audit log', 'audit'],
    ];
    for (const [path, heading, name] of pages) {
      await open(path, heading);
      await screenshotAtWidths(page, name);
    }
  }, 90_000);

  it('keeps a viewer to reading', async () => {
    await open('/keys', 'Keys');
    await page.getByRole('button', { name: 'New token' }).click();
    const create = page.getByRole('dialog', { name: 'New admin token' });
    await create.getByLabel('Name').fill('e2e viewer');
    await create.getByLabel('Role').selectOption('viewer');
    await create.getByRole('button', { name: 'Create token' }).click();
    const secret = await page
      .getByRole('dialog', { name: 'Token created' })
      .getByLabel('The new token')
      .inputValue();
    expect(secret).toMatch(/^st-admin-/);
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/admin\/login$/);
    await page.getByLabel('Admin token', { exact: true }).fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await open('/routes', 'Routes & providers');
    expect(
      await page.getByRole('button', { name: /^(Freeze|Disable provider|Revoke)/ }).count(),
    ).toBe(0);
    await page.getByRole('button', { name: `Details of ${PINNED} in ${ROUTE}` }).click();
    const drawer = page.getByRole('dialog', { name: PINNED });
    await drawer.getByText('Your role is viewer').waitFor();
    expect(await drawer.getByRole('button', { name: 'Pin weight' }).count()).toBe(0);
  }, 30_000);
});
