import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { demoCommand } from '../../src/cli/demo.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The console in a real browser (Debian's Chromium, headless) on the programme's real history as `npm run demo`
 * records it. Skipped, saying so, only when Chromium is missing outside CI; CI installs it (.ci/run).
 */
const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function chromiumPath(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // Not this one.
    }
  }
  return null;
}
const executablePath = chromiumPath();
if (!executablePath && process.env['CI']) throw new Error('CI must have Chromium for the browser tests: .ci/run installs it with apt-get install chromium');
if (!executablePath) console.warn('Skipping the browser tests of the console: Chromium is not installed (apt-get install -y chromium).');
const describeWithBrowser = executablePath ? describe : describe.skip;

describeWithBrowser('the web console, in Chromium, on the real history', () => {
  const data = tempDir('docket-console-');
  let app: Awaited<ReturnType<typeof createApp>>;
  let baseUrl: string;
  let browser: Browser;
  /** Errors thrown in the console's pages: none is expected. */
  const pageErrors: string[] = [];
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    app = await createApp(loadConfig({ PORT: '0', DATA_DIR: data.path }), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const stdout = process.stdout.write;
    process.stdout.write = () => true; // the demo's summary line
    try {
      expect(await demoCommand({ url: baseUrl, programId: 'sovereign-ai-2025', progress: false })).toBe(0);
    } finally {
      process.stdout.write = stdout;
    }
    browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    data.remove();
  });

  /** A page signed in with a token, on the programme's standings; every request it makes is to this server. */
  async function signedIn(token: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Sovereign AI foundation model' }).click();
    await page.locator('table.standings').waitFor();
    expect(foreign).toEqual([]);
    return page;
  }
  const row = (page: Page, teamId: string) => page.locator(`tr[data-team="${teamId}"]`);
  const status = (page: Page, teamId: string) => row(page, teamId).locator('.status').innerText();

  it('shows the standings as they are: three finalists active, NC AI and Naver Cloud eliminated on their grounds', async () => {
    const page = await signedIn('dev-auditor-token');
    for (const teamId of ['lg-ai-research', 'sk-telecom', 'upstage']) expect(await status(page, teamId)).toBe('finalist');
    expect(await status(page, 'nc-ai')).toBe('eliminated');
    expect(await row(page, 'nc-ai').locator('.grounds').innerText()).toBe('on the ranking, stage 1');
    expect(await status(page, 'naver-cloud')).toBe('eliminated');
    expect(await row(page, 'naver-cloud').locator('.grounds').innerText()).toBe('rule violation (independent-development), stage 1');
    // LG AI Research's published first-stage scores: 33.6 on the benchmarks, 31.6 from the experts, 25.0 from users.
    expect(await row(page, 'lg-ai-research').locator('.total').first().innerText()).toBe('total 90.2 · rank 1');
    await page.screenshot({ path: `${OUTPUT}console-laptop.png`, fullPage: true });
    await page.context().close();
  });

  it('replays the standings as in force before 15 January 2026: all five were finalists, the difference marked', async () => {
    const page = await signedIn('dev-auditor-token');
    await page.getByLabel('As in force on (effective date)').fill('2026-01-14T12:00');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('.travel-note').waitFor();
    for (const teamId of ['lg-ai-research', 'sk-telecom', 'upstage', 'nc-ai', 'naver-cloud']) expect(await status(page, teamId)).toBe('finalist');
    expect(await row(page, 'nc-ai').getAttribute('class')).toBe('changed');
    expect(await row(page, 'nc-ai').locator('.now').innerText()).toBe('today: eliminated');
    // Scored but not yet ranked: the round closed on the 15th.
    expect(await row(page, 'upstage').locator('.total').first().innerText()).toBe('total 84.9');
    expect(await row(page, 'upstage').getAttribute('class')).toBe('changed');
    await page.getByRole('button', { name: 'Back to today' }).click();
    await page.locator('.travel-note').waitFor({ state: 'detached' });
    expect(await status(page, 'nc-ai')).toBe('eliminated');
    await page.context().close();
  });

  it("records an official's decision from a form, and an auditor's page shows it live, without a reload", async () => {
    const auditor = await signedIn('dev-auditor-token');
    await auditor.locator('.live.live').waitFor();
    await auditor.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const official = await signedIn('dev-official-token');
    const lg = row(official, 'lg-ai-research');
    await lg.getByText('Record a score').click();
    const form = lg.getByRole('form', { name: 'Record a score' });
    await form.getByLabel('Criterion').selectOption('national-benchmark');
    await form.getByLabel('Points').fill('9.5');
    await form.getByLabel('Reason').fill('Second-stage national benchmark');
    await form.getByLabel('Legal basis').fill('Evaluation guidelines 2026-1, §2');
    await form.getByRole('button', { name: 'Record the decision' }).click();
    await form.waitFor({ state: 'detached' });
    await row(auditor, 'lg-ai-research').getByText('9.5 / 10').waitFor({ timeout: 10_000 });
    expect(await auditor.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await auditor.context().close();
    await official.context().close();
  });

  it('sends a form once however often it is clicked, and explains a refusal in plain words', async () => {
    const official = await signedIn('dev-official-token');
    const upstage = row(official, 'upstage');
    await upstage.getByText('Record a score').click();
    const form = upstage.getByRole('form', { name: 'Record a score' });
    await form.getByLabel('Criterion').selectOption('expert-evaluation');
    await form.getByLabel('Points').fill('99');
    await form.getByLabel('Reason').fill('Out of range on purpose');
    await form.getByRole('button', { name: 'Record the decision' }).click();
    expect(await form.getByRole('alert').innerText()).toBe("The points are outside the criterion's range.");
    await form.getByLabel('Points').fill('30.5');
    await form.getByLabel('Reason').fill('Second-stage expert evaluation');
    const submit = form.getByRole('button', { name: 'Record the decision' });
    await submit.dblclick();
    await form.waitFor({ state: 'detached' });
    const audit = await fetch(`${baseUrl}/api/programs/sovereign-ai-2025/audit?type=ScoreRecorded&teamId=upstage&limit=1000`, { headers: { authorization: 'Bearer dev-auditor-token' } });
    const items = ((await audit.json()) as { items: Array<{ data: { round: number; criterion: string } }> }).items;
    expect(items.filter((item) => item.data.round === 2 && item.data.criterion === 'expert-evaluation')).toHaveLength(1);
    await official.context().close();
  });

  it('answers a stale form with the 412 path: someone decided meanwhile, refresh', async () => {
    const official = await signedIn('dev-official-token');
    const skt = row(official, 'sk-telecom');
    await skt.getByText('Record a score').click();
    const form = skt.getByRole('form', { name: 'Record a score' });
    // Another official decides in the meantime.
    const other = await fetch(`${baseUrl}/api/programs/sovereign-ai-2025/rounds/2/scores`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-official-token', 'content-type': 'application/json' },
      body: JSON.stringify({ teamId: 'upstage', criterion: 'user-evaluation', points: 24, reason: 'Second-stage user evaluation' }),
    });
    expect(other.status).toBe(201);
    await form.getByLabel('Criterion').selectOption('user-evaluation');
    await form.getByLabel('Points').fill('24.5');
    await form.getByLabel('Reason').fill('Second-stage user evaluation');
    await form.getByRole('button', { name: 'Record the decision' }).click();
    await expect(form.getByRole('alert').innerText()).resolves.toMatch(/^Someone took a decision on this programme since revision \d+\. Refresh to see it, then decide again\./);
    await form.getByRole('button', { name: 'Refresh' }).click();
    await row(official, 'upstage').getByText('24 / 25').waitFor();
    await official.context().close();
  });

  it('shows a subscriber token no programme data', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('API token').fill('dev-subscriber-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('This token may not read programme data');
    expect(await page.locator('table').count()).toBe(0);
    await context.close();
  });

  it('has no serious accessibility violation (axe-core), and reads on a phone', async () => {
    const results: Array<{ page: string; violations: Array<{ id: string; impact: string | null; nodes: unknown[] }> }> = [];
    const audit = async (page: Page, name: string) => {
      await page.evaluate(AXE);
      const { violations: found, passes } = await page.evaluate(async () => {
        const run = await (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: unknown[] }>; passes: unknown[] }> } }).axe.run();
        return { violations: run.violations, passes: run.passes.length };
      });
      expect(passes).toBeGreaterThan(10); // axe ran its rules on the page
      results.push({ page: name, violations: found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3) })) });
    };
    const context = await browser.newContext();
    const signIn = await context.newPage();
    await signIn.goto(`${baseUrl}/`);
    await signIn.getByLabel('API token').waitFor();
    await audit(signIn, 'sign-in');
    await context.close();
    const official = await signedIn('dev-official-token');
    await row(official, 'sk-telecom').getByText('Record a compliance finding').click();
    await audit(official, 'standings with a form open');
    await official.goto(`${baseUrl}/#/programs/sovereign-ai-2025/teams/naver-cloud`);
    await official.getByRole('heading', { name: 'naver-cloud' }).waitFor();
    await audit(official, 'team timeline');
    await official.goto(`${baseUrl}/#/programs/sovereign-ai-2025/audit`);
    await official.getByRole('heading', { name: 'Audit history' }).waitFor();
    await official.locator('table.audit').waitFor();
    await audit(official, 'audit history');
    await official.context().close();
    expect(results.filter((r) => r.violations.length > 0)).toEqual([]);

    const phone = await signedIn('dev-auditor-token', { width: 390, height: 844 });
    // Nothing wider than the screen but the table, which scrolls in its own region.
    expect(await phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: `${OUTPUT}console-phone.png`, fullPage: true });
    await phone.context().close();
    expect(existsSync(`${OUTPUT}console-laptop.png`)).toBe(true);
  });
});
