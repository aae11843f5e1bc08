import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type Device } from '../agent/device.ts';
import { type Browser, browserAvailable, launchBrowser } from './support/browser.ts';
import { startServer, type TestServer } from './support/server.ts';
import { SessionClient } from './support/session.ts';

const serialOf = (i: number) => `o${String(i).padStart(2, '0')}`;

// The overview is the first page: live tiles, fleet charts with hover readouts, then the devices table's
// metadata editing, a bulk label of a filtered set, and comparing two devices on one chart.
describe.skipIf(!browserAvailable())('the overview in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const devices: Device[] = [];
  const api = () => new SessionClient(server.url);

  beforeAll(async () => {
    server = await startServer({ coalesceMs: 100, maxFramesPerSecond: 1000 });
    for (let i = 1; i <= 6; i++) {
      const d = createDevice({ url: server.deviceUrl, serial: serialOf(i), minIntervalMs: 0 });
      d.set({ battery: i * 10, power_income: i * 100, postcode: 1000 + i });
      devices.push(d);
    }
    await Promise.all(devices.map((d) => d.flush()));
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(devices.map((d) => d.close()));
    await server?.close();
  });

  /** Moves the pointer over the plotting area of a chart (uPlot's overlay, inside the axes). */
  const hoverPlot = async (chart: Locator) => {
    const box = await chart.locator('.u-over').boundingBox();
    if (!box) throw new Error('no chart');
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  };
  const tile = (name: string) => page.locator(`[data-tile="${name}"] .tile-value`);

  it('renders live tiles and fleet charts with a hover readout', async () => {
    await page.goto(server.url);
    await expect.poll(() => tile('online').textContent(), { timeout: 10_000 }).toBe('6 / 6');
    // The SolMate's defaults: total PV income, average battery (10..60 → 35 %).
    await expect.poll(() => tile('power_income:SUM').textContent()).toBe('2,100 W');
    await expect.poll(() => tile('battery:AVG').textContent()).toBe('35 %');
    // Live: a device's new value reaches the tile without a reload.
    devices[0]?.set({ battery: 70 });
    await devices[0]?.flush();
    await expect.poll(() => tile('battery:AVG').textContent(), { timeout: 8000 }).toBe('45 %');
    // The fleet charts have their buckets; hovering one reads its value out.
    const chart = page.locator('[data-chart="power_income"] .trend-plot');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 10_000 }).not.toBe('0');
    await hoverPlot(chart);
    await expect
      .poll(() => page.locator('[data-chart="power_income"] .readout-line').first().textContent())
      .toMatch(/^sum: [\d,]+ W$/);
    // The distribution's bars, with a readout on hover.
    const bars = page.locator('.distribution rect');
    await expect.poll(() => bars.count()).toBeGreaterThan(1);
    await bars.first().hover();
    await expect.poll(() => page.locator('.distribution .readout').textContent()).toMatch(/device\(s\)/);
  });

  it('remembers a pinned tile across a reload', async () => {
    const editor = page.locator('.overview-editor');
    await editor.locator('summary').click();
    const tileForm = editor.getByRole('form', { name: 'Add a tile' });
    await tileForm.getByLabel('Tile').selectOption('power_income');
    await tileForm.getByLabel('Shows').selectOption('MAX');
    await tileForm.getByRole('button', { name: 'Add tile' }).click();
    await expect.poll(() => tile('power_income:MAX').textContent()).toBe('600 W');
    await page.reload();
    await expect.poll(() => tile('power_income:MAX').textContent(), { timeout: 10_000 }).toBe('600 W');
  });

  it('names and labels a device from its panel, and labels a filtered set in bulk', async () => {
    await page.goto(`${server.url}/?tab=devices&device=o01`);
    const panel = page.locator('aside.panel');
    await panel.locator('.meta-editor summary').click();
    const form = panel.getByRole('form', { name: 'Name and labels' });
    await form.getByLabel('Name').fill('Roof east');
    await form.getByLabel('Labels').fill('site=vienna, customer=acme');
    await form.getByLabel('Groups').fill('pilot');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').waitFor();
    // The table shows the name at once (a live update, not a reload).
    await expect.poll(() => page.locator('tr[data-serial="o01"] .device-name').textContent()).toBe('Roof east');
    // A bad label is refused with a reason.
    await form.getByLabel('Labels').fill('site');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => panel.locator('.meta-editor .error').textContent()).toBe('"site" is not key=value');

    // Bulk: the devices whose battery is at least 40 get site=graz.
    await page.goto(`${server.url}/?f=battery~GTE~40`);
    await page.locator('tbody tr').first().waitFor();
    const bulk = page.locator('.bulk-label');
    await bulk.locator('summary').click();
    await bulk.getByLabel('Set labels').fill('site=graz');
    page.once('dialog', (d) => void d.accept());
    await bulk.getByRole('button', { name: /Apply to 4 device/ }).click();
    await expect.poll(() => bulk.getByRole('status').textContent()).toBe('4 device(s) changed.');
    const labelled = await api().gql<{ devices: { nodes: Array<{ serial: string }> } }>(
      '{ devices(where: [{ field: "label:site", op: EQUALS, value: "graz" }]) { nodes { serial } } }',
    );
    expect(labelled.data?.devices.nodes.map((n) => n.serial)).toEqual(['o01', 'o04', 'o05', 'o06']);
  });

  it('compares two devices chosen in the table on one chart', async () => {
    await page.goto(`${server.url}/?tab=devices`);
    await page.locator('tbody tr').first().waitFor();
    await page.getByLabel('Compare o02').check();
    await page.getByLabel('Compare o03').check();
    await page.getByRole('button', { name: 'Compare 2' }).click();
    const chart = page.locator('.compare .trend-plot');
    await expect.poll(() => chart.getAttribute('data-lines'), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => chart.getAttribute('data-points')).not.toBe('0');
    expect(new URL(page.url()).searchParams.get('compare')).toBe('o02,o03');
    await hoverPlot(chart);
    await expect.poll(() => page.locator('.compare .readout-line').count()).toBe(2);
  });

  it('groups a fleet chart by a label', async () => {
    await page.goto(server.url);
    const editor = page.locator('.overview-editor');
    await editor.locator('summary').click();
    const chartForm = editor.getByRole('form', { name: 'Add a chart' });
    await chartForm.getByLabel('Chart').selectOption('battery');
    await chartForm.getByLabel('Shows').selectOption('AVG');
    await chartForm.getByLabel('Grouped by').fill('label:site');
    await chartForm.getByRole('button', { name: 'Add chart' }).click();
    // o01's site went from vienna to graz in the bulk edit: graz (4 devices) and devices without a site (2).
    const legend = page.locator('[data-chart="battery"] .legend').last();
    await expect.poll(() => legend.textContent(), { timeout: 10_000 }).toBe('graz(none)');
  });
});
