import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDevice, type Device } from '../agent/device.ts';
import { ConnectionState } from '../agent/device-options.ts';
import { EmulatedFleet } from '../agent/emulator/fleet.ts';
import { solmate } from '../agent/emulator/solmate.ts';
import type { Scalar } from '../protocol/values.ts';
import type { FrameWrite } from '../server/storage/batch.ts';
import { BatchWriter } from '../server/storage/batch-writer.ts';
import { sqliteDialect } from '../server/storage/sqlite-dialect.ts';
import { type Browser, browserAvailable, launchBrowser } from './support/browser.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';

const HOUR = 3_600_000;
// In-page helper as source text: functions passed from here would carry tsx's helpers with them.
const toLocalInputSource = `(ms) => {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}`;

const COUNTRIES = ['AT', 'DE', 'CH', 'IT'];
const serialOf = (i: number) => `d${String(i).padStart(3, '0')}`;
/** The fleet the tests know by heart: 30 devices with predictable values. */
function valuesOf(i: number): Record<string, Scalar> {
  return {
    battery: (i * 7) % 100,
    country: COUNTRIES[i % 4] as string,
    power_income: i * 10,
    charging: i % 2 === 0,
    label: `unit-${i}`,
    ...(i % 5 === 0 ? { fault: 'E1' } : {}),
  };
}
const ALL = Array.from({ length: 30 }, (_, k) => k + 1);

async function until(device: Device, state: ConnectionState): Promise<void> {
  if (device.state === state) return;
  await new Promise<void>((resolve) => {
    const on = (to: ConnectionState) => {
      if (to === state) {
        device.off('state', on);
        resolve();
      }
    };
    device.on('state', on);
  });
}

const rows = (page: Page) => page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-serial')));
const cell = (page: Page, serial: string, col: string) => page.locator(`tr[data-serial="${serial}"] [data-col="${col}"]`);

describe.skipIf(!browserAvailable())('the dashboard in a browser', () => {
  const dir = tempDir();
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const devices = new Map<number, Device>();

  beforeAll(async () => {
    server = await startServer({ dataDir: dir.path, coalesceMs: 100, maxFramesPerSecond: 1000 });
    for (const i of ALL) {
      const d = createDevice({
        url: server.deviceUrl,
        serial: serialOf(i),
        minIntervalMs: 0,
        reconnectDelayMs: 200,
        maxReconnectDelayMs: 500,
      });
      d.set(valuesOf(i));
      devices.set(i, d);
    }
    await Promise.all([...devices.values()].map((d) => d.flush()));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([...devices.values()].map((d) => d.close()));
    await server?.close();
    dir.remove();
  });
  beforeEach(async () => {
    // Every test starts from the known fleet, whatever the previous one changed.
    for (const [i, d] of devices) d.set(valuesOf(i));
    await Promise.all([...devices.values()].map((d) => d.flush()));
    for (const p of browser.context.pages()) await p.close();
    page = await browser.context.newPage();
  });

  const open = async (query = '') => {
    await page.goto(`${server.url}/${query || '?tab=devices'}`);
    await page.locator('.link-live').waitFor();
    await page.locator('tbody tr').first().waitFor();
  };
  const expectRows = async (expected: string[]) => {
    await expect.poll(() => rows(page), { timeout: 5000 }).toEqual(expected);
  };

  it('fills the table from the devices, with labels, units and live presence', async () => {
    await open();
    await expectRows(ALL.slice(0, 20).map(serialOf));
    await expect.poll(() => page.locator('.pager .count').textContent()).toBe('1–20 of 30 devices');
    const headers = await page.locator('thead th').allTextContents();
    expect(headers.slice(0, 4)).toEqual(['Serial', 'Status', 'Last seen', 'Battery%']);
    expect(await cell(page, 'd003', 'battery').textContent()).toBe('21 %');
    expect(await cell(page, 'd002', 'charging').textContent()).toBe('✓');
    expect(await cell(page, 'd002', 'online').textContent()).toBe('online');
    expect(await page.locator('thead th[aria-sort]').count()).toBe(0);
  });

  it('shows a value change within a second, flashing the cell', async () => {
    await open();
    // Record which cells the page touches: only the changed one may be (the clock column aside).
    await page.evaluate(`(() => {
      window.__touched = new Set();
      new MutationObserver((records) => {
        for (const r of records) {
          const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
          const cell = node && node.closest('td, th');
          const row = cell && cell.closest('tr');
          if (cell && row && cell.dataset.col !== 'lastSeen') window.__touched.add(row.dataset.serial + '/' + (cell.dataset.col || 'serial'));
        }
      }).observe(document.querySelector('tbody'), { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    const device = devices.get(4) as Device;
    const started = Date.now();
    device.set('battery', 99);
    await expect.poll(() => cell(page, 'd004', 'battery').textContent(), { timeout: 1000, interval: 20 }).toBe('99 %');
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await cell(page, 'd004', 'battery').getAttribute('class')) ?? '').toContain('flash');
    expect((await cell(page, 'd004', 'country').getAttribute('class')) ?? '').not.toContain('flash');
    expect(await page.evaluate('[...window.__touched]')).toEqual(['d004/battery']);
  });

  it('does not flash once the switch is off, and remembers the switch', async () => {
    await open();
    await page.getByLabel('Flash changes').uncheck();
    const device = devices.get(6) as Device;
    device.set('power_income', 777);
    await expect.poll(() => cell(page, 'd006', 'power_income').textContent()).toBe('777 W');
    expect((await cell(page, 'd006', 'power_income').getAttribute('class')) ?? '').not.toContain('flash');
    await page.reload();
    await page.locator('tbody tr').first().waitFor();
    expect(await page.getByLabel('Flash changes').isChecked()).toBe(false);
    await page.getByLabel('Flash changes').check();
  });

  const filterCases: Array<[string, string, string | null, (i: number) => boolean]> = [
    ['label', 'CONTAINS', 'IT-1', (i) => `unit-${i}`.includes('it-1')],
    ['country', 'EQUALS', 'DE', (i) => COUNTRIES[i % 4] === 'DE'],
    ['country', 'NOT_EQUALS', 'DE', (i) => COUNTRIES[i % 4] !== 'DE'],
    ['label', 'STARTS_WITH', 'UNIT-2', (i) => String(i).startsWith('2')],
    ['battery', 'LT', '30', (i) => (i * 7) % 100 < 30],
    ['battery', 'LTE', '28', (i) => (i * 7) % 100 <= 28],
    ['power_income', 'GT', '250', (i) => i * 10 > 250],
    ['power_income', 'GTE', '250', (i) => i * 10 >= 250],
    ['fault', 'IS_NULL', null, (i) => i % 5 !== 0],
  ];
  for (const [field, op, value, keep] of filterCases) {
    it(`filters with ${op} through the condition builder`, async () => {
      await open('?size=50');
      await page.getByRole('button', { name: '+ Add condition' }).click();
      const condition = page.getByRole('group', { name: 'Condition 1' });
      await condition.getByLabel('Field').selectOption(field);
      await condition.getByLabel('Operator').selectOption(op);
      if (value !== null) {
        await condition.getByLabel('Value').fill(value);
        // Enter applies at once; otherwise the value applies after a pause in typing.
        if (op.startsWith('L') || op.startsWith('G')) await condition.getByLabel('Value').press('Enter');
      }
      await expectRows(ALL.filter(keep).map(serialOf));
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual([[field, op, ...(value === null ? [] : [value])].join('~')]);
    });
  }

  it('removes a condition', async () => {
    await open('?f=country~EQUALS~AT&size=50');
    await expectRows(ALL.filter((i) => i % 4 === 0).map(serialOf));
    await page.getByRole('button', { name: 'Remove condition 1' }).click();
    await expectRows(ALL.map(serialOf));
  });

  it('sorts by a header, and by more keys with shift-click', async () => {
    await open('?size=50');
    await page.getByRole('button', { name: /^Country/ }).click();
    await page.getByRole('button', { name: /^Battery/ }).click({ modifiers: ['Shift'] });
    const expected = [...ALL].sort((a, b) => {
      const c = (COUNTRIES[a % 4] as string).localeCompare(COUNTRIES[b % 4] as string);
      return c !== 0 ? c : ((a * 7) % 100) - ((b * 7) % 100);
    });
    await expectRows(expected.map(serialOf));
    expect(await page.locator('thead th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('country:asc,battery:asc');
    await page.getByRole('button', { name: /^Country/ }).click(); // plain click: descending, the only key
    expect(await page.locator('thead th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('country:desc');
  });

  it('pages through the fleet with any page size', async () => {
    await open();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expectRows(ALL.slice(20).map(serialOf));
    expect(await page.locator('.pager .page').textContent()).toBe('Page 2 of 2');
    await page.getByLabel('Rows').selectOption('10');
    await expectRows(ALL.slice(0, 10).map(serialOf));
    await page.getByRole('button', { name: 'Last page' }).click();
    await expectRows(ALL.slice(20).map(serialOf));
    expect(await page.locator('.pager .count').textContent()).toBe('21–30 of 30 devices');
  });

  it('keeps filter, sort, page and page size in the URL: reload, share, back', async () => {
    const query = '?f=battery~GTE~20&sort=battery:desc&page=2&size=10';
    await open(query);
    const expected = ALL.filter((i) => (i * 7) % 100 >= 20)
      .sort((a, b) => ((b * 7) % 100) - ((a * 7) % 100))
      .slice(10, 20)
      .map(serialOf);
    await expectRows(expected);
    expect(await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Value').inputValue()).toBe('20');
    expect(await page.locator('.pager .page').textContent()).toMatch(/^Page 2 of/);
    await page.reload();
    await expectRows(expected);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe('3');
    await page.goBack();
    await expectRows(expected);
  });

  it('drops a device that stops matching from the page, and offers to refresh for new matches', async () => {
    await open('?f=country~EQUALS~AT&size=50');
    await expectRows(ALL.filter((i) => i % 4 === 0).map(serialOf));
    const leaving = devices.get(8) as Device;
    const joining = devices.get(9) as Device;
    leaving.set('country', 'FR');
    joining.set('country', 'AT');
    await expect.poll(() => rows(page)).not.toContain('d008');
    await expect.poll(() => page.locator('.hint').textContent()).toMatch(/1 more device\(s\) match now/);
    // The footer counts the rows shown, not the page size: one left, one more matches elsewhere.
    const shown = (await rows(page)).length;
    expect(await page.locator('.pager .count').textContent()).toBe(`1–${shown} of ${shown + 1} devices`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rows(page)).toContain('d009');
  });

  it('opens a device panel with every value and a live trend that draws points', async () => {
    await open();
    await page.getByRole('button', { name: 'd010', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Device d010' });
    await panel.waitFor();
    expect(await panel.locator('dt').allTextContents()).toEqual([
      'Battery',
      'Charging',
      'Country',
      'Fault',
      'Label',
      'PV income',
    ]);
    const device = devices.get(10) as Device;
    for (const v of [10, 40, 25, 60]) {
      device.set('battery', v);
      await device.flush();
      await new Promise((r) => setTimeout(r, 150));
    }
    const plot = panel.locator('.trend-plot[data-name="battery"]');
    await expect.poll(async () => Number(await plot.getAttribute('data-points'))).toBeGreaterThanOrEqual(4);
    expect(await plot.locator('canvas').count()).toBe(1);
    // Hovering reads a point out: its time and its value with the unit.
    const box = (await plot.locator('.u-over').boundingBox({ timeout: 5000 })) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
    const readout = panel.locator('figure:has(.trend-plot[data-name="battery"]) .readout');
    await readout.waitFor({ timeout: 5000 });
    await expect.poll(() => readout.textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · \d+ %$/);
    // A number that stopped changing still runs on to now, and a quiet one is drawn as a line, not left out.
    const now = Date.now() / 1000;
    await expect.poll(async () => Number(await plot.getAttribute('data-last')), { timeout: 5000 }).toBeGreaterThan(now - 2);
    const quiet = panel.locator('.trend-plot[data-name="power_income"]');
    expect(Number(await quiet.getAttribute('data-points', { timeout: 5000 }))).toBeGreaterThanOrEqual(2);
    expect(Number(await quiet.getAttribute('data-last'))).toBeGreaterThan(now - 2);
    // An identifier is a number, not a trend.
    device.set('postcode', 1010);
    await device.flush();
    await expect.poll(() => panel.locator('dt').allTextContents(), { timeout: 5000 }).toContain('Postcode');
    expect(await panel.locator('.trend-plot[data-name="postcode"]').count()).toBe(0);
    device.set('postcode', null);
    await device.flush();
    expect(new URL(page.url()).searchParams.get('device')).toBe('d010');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
  });

  it('shows the history of a chosen range in the panel, and exports exactly that range', async () => {
    // Two hours of battery history for d010, one value every 5 s, written straight into the database.
    const writer = new BatchWriter(sqliteDialect(join(server.dataDir, 'smart-os.db'), 'NORMAL'), server.app.instance);
    await writer.open();
    const end = Date.now() - 60_000;
    const frames: FrameWrite[] = [];
    for (let t = end - 2 * HOUR, k = 0; t <= end; t += 5000, k++)
      frames.push({ serial: 'd010', t, values: [['battery', t + 5000 > end ? 70 : 20 + (k % 60)]] });
    await writer.write(frames);
    await writer.compactAll();
    await writer.close();

    await page.clock.install(); // real time, until the test moves it on
    await open();
    await page.getByRole('button', { name: 'd010', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Device d010' });
    const plot = panel.locator('.trend-plot[data-name="battery"]');
    const points = async () => Number(await plot.getAttribute('data-points'));
    const choose = async (name: string) => {
      await panel.getByRole('button', { name, exact: true }).click();
      await expect.poll(() => panel.getByRole('button', { name, exact: true }).getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => panel.locator('.trends').getAttribute('aria-busy')).toBe('false');
    };

    // One hour of raw values: about 710 of them (the history ends a minute ago) (and the live ones of this test run).
    await choose('1 h');
    await expect.poll(points).toBeGreaterThanOrEqual(700);
    expect(await points()).toBeLessThan(740);
    // Seven days hold over 1,000 values: 15-minute buckets, about 9 of them over the two hours.
    await choose('7 d');
    await expect.poll(points).toBeLessThanOrEqual(12);
    expect(await points()).toBeGreaterThanOrEqual(8);

    // The export link asks for this device over the shown seven days.
    const href = (await panel.getByRole('link', { name: 'CSV' }).getAttribute('href')) as string;
    const asked = new URL(href, server.url);
    expect(asked.pathname).toBe('/export.csv');
    expect(asked.searchParams.get('device')).toBe('d010');
    const span = Date.parse(asked.searchParams.get('until') as string) - Date.parse(asked.searchParams.get('since') as string);
    expect(span).toBe(7 * 24 * HOUR);
    const csv = await page.evaluate((url) => fetch(url).then((r) => r.text()), href);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('device,parameter,t,value,name,labels,groups');
    expect(lines.filter((l) => l.startsWith('d010,battery,')).length).toBeGreaterThanOrEqual(1441);

    // The range is in the URL: a reload (or a shared link) opens the same one, whatever was remembered.
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d');
    // A custom range: a wrong one is refused with a reason, a right one shows 30 minutes of values.
    await panel.getByRole('button', { name: 'Custom', exact: true }).click();
    // Only Custom is highlighted while its dates are edited.
    expect(await panel.getByRole('button', { name: '7 d', exact: true }).getAttribute('aria-pressed')).toBe('false');
    expect(await panel.getByRole('button', { name: 'Custom', exact: true }).getAttribute('aria-pressed')).toBe('true');
    const local = (ms: number) => page.evaluate(`(${toLocalInputSource})(${ms})`) as Promise<string>;
    await panel.getByLabel('From').fill(await local(end - 30 * 60_000));
    await panel.getByLabel('To').fill(await local(end - 60 * 60_000));
    await panel.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => panel.locator('.range-custom .error').textContent()).toBe('The end must be after the start.');
    const [from, to] = [await local(end - 90 * 60_000), await local(end - 60 * 60_000)];
    await panel.getByLabel('From').fill(from);
    await panel.getByLabel('To').fill(to);
    // A minute passes while the person is typing: the clock must not overwrite the inputs.
    await page.clock.fastForward(65_000);
    expect([await panel.getByLabel('From').inputValue(), await panel.getByLabel('To').inputValue()]).toEqual([from, to]);
    await panel.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => panel.locator('.trends').getAttribute('aria-busy')).toBe('false');
    // Minutes in the inputs: 30 minutes of 5-second values, give or take the edges.
    await expect.poll(points).toBeGreaterThanOrEqual(348);
    expect(await points()).toBeLessThanOrEqual(372);

    // Remembered: the panel of another visit opens on the same range.
    await page.reload();
    await expect.poll(() => panel.getByRole('button', { name: 'Custom', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).searchParams.get('range')).toMatch(/^custom:\d+-\d+$/);
    // A link with another range opens on that one, though this browser remembers Custom.
    const link = new URL(page.url());
    link.searchParams.set('range', '1h');
    await page.goto(link.toString());
    await expect.poll(() => panel.getByRole('button', { name: '1 h', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.evaluate(() => localStorage.removeItem('smart-os.trend-range'));
  });

  it('shows its connection state and picks up again after the server restarts', async () => {
    await open();
    await expect.poll(() => page.locator('.link').textContent()).toBe('live');
    const port = new URL(server.url).port;
    await server.app.close();
    await expect.poll(() => page.locator('.link').textContent(), { timeout: 5000 }).toMatch(/reconnecting|offline/);
    server = await startServer({ dataDir: dir.path, port: Number(port), coalesceMs: 100 });
    await expect.poll(() => page.locator('.link').textContent(), { timeout: 15_000 }).toBe('live');
    const device = devices.get(2) as Device;
    await until(device, ConnectionState.Connected);
    device.set('battery', 88);
    await expect.poll(() => cell(page, 'd002', 'battery').textContent(), { timeout: 5000 }).toBe('88 %');
  });

  it('is usable on a phone: the table scrolls sideways with the serial in view, controls stack', async () => {
    const phone = await launchBrowser({ width: 375, height: 740 });
    try {
      const p = await phone.context.newPage();
      await p.goto(`${server.url}/?tab=devices`);
      await p.locator('tbody tr').first().waitFor();
      const scroller = p.locator('.table-scroll');
      const { scrollWidth, clientWidth } = await scroller.evaluate((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
      }));
      expect(scrollWidth).toBeGreaterThan(clientWidth);
      await scroller.evaluate((el) => {
        el.scrollLeft = 400;
      });
      const serialCell = p.locator('tbody tr').first().locator('th');
      const box = await serialCell.boundingBox();
      const area = await scroller.boundingBox();
      expect(Math.abs((box?.x ?? -1) - (area?.x ?? 0))).toBeLessThan(2); // still at the left edge
      const filters = await p.locator('.controls .filters').boundingBox();
      const columns = await p.locator('.columns').boundingBox();
      expect((columns?.y ?? 0) > (filters?.y ?? 0) + (filters?.height ?? 0) - 1).toBe(true); // stacked
      expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    } finally {
      await phone.close();
    }
  });
});

describe.skipIf(!browserAvailable())('the dashboard screenshot', () => {
  it('is taken from an emulated SolMate fleet into docs/dashboard.png, signed in as the admin', async () => {
    const server = await startServer({ maxFramesPerSecond: 1000, auth: 'on', adminPassword: 'admin password 1' });
    const fleet = new EmulatedFleet({
      url: server.deviceUrl,
      devices: 40,
      serialStart: 1,
      serialPrefix: '',
      init: false,
      behaviour: solmate({ pattern: 'sine', max: 340 }),
      minSleepS: 0.2,
      maxSleepS: 0.8,
      connectPerSecond: 1000,
    });
    const browser = await launchBrowser({ width: 1440, height: 860 });
    try {
      await fleet.start();
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/?tab=devices`);
      const form = page.getByRole('form', { name: 'Sign in' });
      await form.getByLabel('Username').fill('admin');
      await form.getByLabel('Password').fill('admin password 1');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.user-menu summary').waitFor();
      await page.goto(`${server.url}/?sort=battery:desc&device=0007`);
      await page.locator('tbody tr').nth(19).waitFor();
      await page.locator('.trend-plot canvas').first().waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 6000)); // let the trends fill a few seconds
      const file = fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));
      await page.screenshot({ path: file });
      expect(statSync(file).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
      await fleet.stop();
      await server.close();
    }
  });
});

describe.skipIf(!browserAvailable())('the dashboard with accounts', () => {
  it('asks to sign in, shows an owner only their devices, and signs out', async () => {
    const server = await startServer({ auth: 'on', adminPassword: 'admin password 1' });
    const owned = createDevice({ url: server.deviceUrl, serial: 'mine-1', minIntervalMs: 0 });
    const other = createDevice({ url: server.deviceUrl, serial: 'theirs-1', minIntervalMs: 0 });
    const browser = await launchBrowser();
    try {
      owned.set({ battery: 50 });
      other.set({ battery: 60 });
      await Promise.all([owned.flush(), other.flush()]);
      const alice = await server.app.accounts.createUser('alice', 'alice password 1', 'owner');
      const page = await browser.context.newPage();
      // The admin gives mine-1 to alice, through the API the dashboard uses.
      await page.goto(`${server.url}/?tab=devices`);
      const form = page.getByRole('form', { name: 'Sign in' });
      await form.getByLabel('Username').fill('admin');
      await form.getByLabel('Password').fill('wrong password');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong username or password');
      await form.getByLabel('Password').fill('admin password 1');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => rows(page)).toEqual(['mine-1', 'theirs-1']);
      // The admin gives mine-1 to alice from the unclaimed list.
      await page.locator('.access summary').click();
      const unclaimed = page.getByRole('region', { name: 'Unclaimed devices' });
      await expect.poll(() => unclaimed.locator('li strong').allTextContents()).toEqual(['mine-1', 'theirs-1']);
      await unclaimed.getByLabel('Owner for mine-1').selectOption('alice');
      await unclaimed.locator('li', { hasText: 'mine-1' }).getByRole('button', { name: 'Assign' }).click();
      await expect.poll(() => unclaimed.locator('li strong').allTextContents()).toEqual(['theirs-1']);
      await page.locator('.access summary').click();
      await page.locator('.user-menu summary').click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await form.waitFor();

      await form.getByLabel('Username').fill(alice.username);
      await form.getByLabel('Password').fill('alice password 1');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => rows(page)).toEqual(['mine-1']);
      expect(await page.locator('.user-menu summary').textContent()).toBe('alice (owner)');
      // Live updates reach her page over the signed-in socket.
      owned.set('battery', 51);
      await owned.flush();
      await expect.poll(() => cell(page, 'mine-1', 'battery').textContent()).toContain('51');
      // She makes a token for her device: shown once, then listed, then revoked.
      await page.getByRole('button', { name: 'mine-1', exact: true }).click();
      const credentials = page.getByRole('region', { name: 'Credentials' });
      await expect.poll(() => credentials.locator('.meta').first().textContent()).toBe('Owner: alice');
      await credentials.getByLabel('Label').fill('field unit');
      await credentials.getByRole('button', { name: 'New token' }).click();
      await expect.poll(() => credentials.locator('.secret code').textContent()).toMatch(/^sos_d_[\w-]{43}$/);
      await expect.poll(() => credentials.locator('.tokens li').first().textContent()).toContain('field unit');
      await credentials.getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => credentials.locator('.tokens li').first().textContent()).toContain('revoked');
      // She makes a personal API token for a script: shown once, it reads her fleet, then she revokes it.
      await page.keyboard.press('Escape');
      await page.locator('.api-tokens summary').click();
      const tokens = page.locator('.api-tokens');
      const form2 = page.getByRole('form', { name: 'New API token' });
      await form2.getByLabel('Label').fill('notebook');
      await form2.getByRole('button', { name: 'New token' }).click();
      await expect.poll(() => tokens.locator('.secret code').textContent()).toMatch(/^sos_p_[\w-]{43}$/);
      const secret = (await tokens.locator('.secret code').textContent()) as string;
      await expect.poll(() => tokens.locator('li').first().textContent()).toContain('notebook (read)');
      const asScript = async () =>
        (await (
          await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
            body: JSON.stringify({ query: '{ devices { nodes { serial } } }' }),
          })
        ).json()) as { data?: { devices: { nodes: Array<{ serial: string }> } } | null; errors?: Array<{ message: string }> };
      expect((await asScript()).data?.devices.nodes).toEqual([{ serial: 'mine-1' }]);
      await tokens.getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => tokens.locator('li').first().textContent()).toContain('revoked');
      expect((await asScript()).errors?.[0]?.message).toBe('unknown, revoked or expired API token');
      // The cookie is HttpOnly: scripts on the page cannot read it.
      expect(await page.evaluate('document.cookie')).toBe('');
    } finally {
      await browser.close();
      await Promise.all([owned.close(), other.close()]);
      await server.close();
    }
  });
});

describe.skipIf(!browserAvailable())('managing accounts in the dashboard, and on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  const fleet: Device[] = [];
  const signIn = async (page: Page, username: string, password: string) => {
    await page.context().clearCookies(); // the pages of one browser share its session
    await page.goto(`${server.url}/?tab=devices`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username').fill(username);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.user-menu summary').waitFor();
  };
  beforeAll(async () => {
    server = await startServer({ auth: 'on', adminPassword: 'admin password 1' });
    for (const serial of ['u-1', 'u-2', 'u-3']) {
      const d = createDevice({ url: server.deviceUrl, serial, minIntervalMs: 0 });
      d.set({ battery: 40 });
      fleet.push(d);
    }
    await Promise.all(fleet.map((d) => d.flush()));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(fleet.map((d) => d.close()));
    await server?.close();
  });

  it('creates an account (the form forgets the password), assigns devices in bulk, disables, promotes and deletes', async () => {
    const page = await browser.context.newPage();
    await signIn(page, 'admin', 'admin password 1');
    await page.locator('.access summary').click();
    const accounts = page.getByRole('region', { name: 'Accounts' });
    const form = page.getByRole('form', { name: 'New account' });
    await form.getByLabel('Username').fill('bob');
    await form.getByLabel('Password').fill('bob password 12');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.locator('.access .notice').textContent()).toMatch(/^Created bob \(owner\)/);
    expect(await form.getByLabel('Password').inputValue()).toBe('');
    expect(await form.getByLabel('Username').inputValue()).toBe('');

    // Three unclaimed devices to bob at once.
    const unclaimed = page.getByRole('region', { name: 'Unclaimed devices' });
    await expect.poll(() => unclaimed.locator('li strong').allTextContents()).toEqual(['u-1', 'u-2', 'u-3']);
    await unclaimed.getByLabel('All').check();
    await unclaimed.getByLabel('Owner for the selected devices').selectOption('bob');
    await unclaimed.getByRole('button', { name: 'Assign 3 selected' }).click();
    await expect.poll(() => unclaimed.locator('li').allTextContents()).toEqual(['None.']);
    expect(await page.locator('.access .notice').textContent()).toBe('Assigned 3 device(s) to bob.');

    // Disabled: bob cannot sign in; enabled again; made an admin.
    const bob = accounts.locator('li', { hasText: 'bob' });
    await bob.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => bob.textContent()).toContain('(disabled)');
    const other = await launchBrowser();
    const bobPage = await other.context.newPage();
    await bobPage.goto(`${server.url}/?tab=devices`);
    const bobForm = bobPage.getByRole('form', { name: 'Sign in' });
    await bobForm.getByLabel('Username').fill('bob');
    await bobForm.getByLabel('Password').fill('bob password 12');
    await bobForm.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => bobPage.getByRole('alert').textContent()).toBe('this account is disabled; ask an admin');
    await bob.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => bob.textContent()).not.toContain('(disabled)');
    await bob.getByLabel('Role of bob').selectOption('ADMIN');
    await expect.poll(() => page.locator('.access .notice').textContent()).toMatch(/^bob is now admin/);
    // The admin cannot demote or disable themselves: no buttons, the role fixed.
    const me = accounts.locator('li', { hasText: 'admin' }).first();
    expect(await me.getByRole('button', { name: 'Disable' }).count()).toBe(0);
    expect(await me.getByLabel('Role of admin').isDisabled()).toBe(true);

    // Deleted: his devices are unclaimed again.
    page.once('dialog', (d) => void d.accept());
    await bob.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => unclaimed.locator('li strong').allTextContents()).toEqual(['u-1', 'u-2', 'u-3']);
    await other.close();
  });

  it('points a new owner without devices to enrollment keys', async () => {
    await server.app.accounts.createUser('carol', 'carol password 1', 'owner');
    const page = await browser.context.newPage();
    await signIn(page, 'carol', 'carol password 1');
    await expect
      .poll(() => page.locator('.empty').textContent())
      .toMatch(/No devices yet\. A device joins with an enrollment key/);
  });

  it('on a phone: the header menus open inside the screen, and a tapped device scrolls its panel into view', async () => {
    const phone = await launchBrowser({ width: 375, height: 740 });
    try {
      const page = await phone.context.newPage();
      await signIn(page, 'admin', 'admin password 1');
      const inside = async (selector: string) => {
        const box = await page.locator(selector).first().boundingBox();
        return box !== null && box.x >= 0 && box.x + box.width <= 375;
      };
      await page.locator('.access summary').click();
      await expect.poll(() => inside('details.access[open] > .access-body')).toBe(true);
      await page.locator('.access summary').click();
      await page.locator('.user-menu summary').click();
      await expect.poll(() => inside('.user-menu-body')).toBe(true);
      await expect.poll(() => inside('.user-menu-body button:has-text("Sign out")')).toBe(true); // Sign out is reachable
      await page.locator('.user-menu summary').click();
      await page.getByRole('button', { name: 'u-2', exact: true }).click();
      const panel = page.getByRole('complementary', { name: 'Device u-2' });
      await panel.waitFor();
      await expect
        .poll(async () => {
          const box = await panel.boundingBox();
          return box !== null && box.y >= -1 && box.y < 740;
        })
        .toBe(true);
    } finally {
      await phone.close();
    }
  });
});

describe.skipIf(!browserAvailable())('controlling devices from the dashboard', () => {
  it('sets a value, runs an action, and runs a job on a filtered set until it finishes', async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    const devices: Device[] = [];
    try {
      for (let i = 1; i <= 3; i++) {
        const d = createDevice({
          url: server.deviceUrl,
          serial: `ctl-${i}`,
          minIntervalMs: 0,
          settable: (name) => (name === 'reserve' ? true : 'not a setting'),
        });
        d.command(
          'switch-mode',
          (args) => {
            d.set('mode', String(args.mode));
            return { mode: args.mode };
          },
          {
            description: 'Switch the mode',
            args: { type: 'object', properties: { mode: { type: 'string', enum: ['eco', 'boost'] } } },
          },
        );
        d.set({ mode: 'eco', reserve: 10 });
        devices.push(d);
      }
      const other = createDevice({ url: server.deviceUrl, serial: 'zz-1', minIntervalMs: 0 });
      other.set({ mode: 'eco' });
      devices.push(other);
      await Promise.all(devices.map((d) => d.flush()));
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/?device=ctl-1`);
      const control = page.getByRole('region', { name: 'Control' });
      // Desired value: pending until the device reports it, then gone by itself.
      const form = control.getByRole('form', { name: 'Set a value' });
      await form.getByLabel('Setting').fill('reserve');
      await form.getByLabel('Value').fill('25');
      await form.getByRole('button', { name: 'Set' }).click();
      await expect.poll(() => devices[0]?.get('reserve'), { timeout: 10_000 }).toBe(25);
      await expect
        .poll(() => control.locator('.desired').textContent(), { timeout: 10_000 })
        .toContain('No pending desired values');
      // An action from the device's CAPS, as a form.
      const action = control.getByRole('form', { name: 'Run switch-mode' });
      await action.getByLabel('mode').selectOption('boost');
      await action.getByRole('button', { name: 'Run' }).click();
      await expect.poll(() => devices[0]?.get('mode'), { timeout: 10_000 }).toBe('boost');
      await expect.poll(() => control.locator('.history li').first().textContent(), { timeout: 10_000 }).toContain('succeeded');
      await page.keyboard.press('Escape');
      // A job on the devices matching a filter, confirmed with their number, watched until it finishes.
      await page.goto(`${server.url}/?f=serial~STARTS_WITH~ctl`);
      await expect.poll(() => rows(page)).toEqual(['ctl-1', 'ctl-2', 'ctl-3']);
      await page.locator('.run-on-filter summary').click();
      const run = page.getByRole('form', { name: 'Run a command' });
      await run.getByLabel('Command').fill('switch-mode');
      await run.getByLabel('Args (JSON)').fill('{"mode": "boost"}');
      await run.getByRole('button', { name: /Run on the 3 device/ }).click();
      await page.getByRole('alertdialog', { name: 'Confirm' }).getByRole('button', { name: 'Send to 3' }).click();
      await expect.poll(() => page.locator('.job [data-state="SUCCEEDED"]').textContent(), { timeout: 15_000 }).toBe('3');
      await expect.poll(() => page.locator('.job').textContent()).toContain('finished');
      expect(devices.map((d) => d.get('mode'))).toEqual(['boost', 'boost', 'boost', 'eco']);
      await page.screenshot({ path: join(fileURLToPath(new URL('..', import.meta.url)), 'docs/control.png') });
    } finally {
      await browser.close();
      await Promise.all(devices.map((d) => d.close()));
      await server.close();
    }
  }, 60_000);
});
