import { describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from './support/browser.ts';
import { connectDevice } from './support/device.ts';
import { HookReceiver } from './support/hooks.ts';
import { startServer } from './support/server.ts';
import { eventually } from './support/wait.ts';

describe.skipIf(!browserAvailable())('the dashboard: alerts', () => {
  it('makes a rule with the filter builder, shows the firing alert live with a badge, acknowledges it, and marks the chart', async () => {
    const server = await startServer({ maxFramesPerSecond: 1000 });
    const hook = await new HookReceiver().start();
    const browser = await launchBrowser({ width: 1440, height: 900 });
    const device = await connectDevice(server.deviceUrl);
    try {
      let n = 0;
      for (const serial of ['al-1', 'al-2']) expect((await device.update(n++, serial, { battery: 50 })).ok).toBe(true);
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/?tab=devices`);
      await page.locator('tbody tr').nth(1).waitFor();
      const menu = page.locator('.alerts-menu');
      await menu.locator('summary').click();
      expect(await menu.locator('.badge').getAttribute('data-firing')).toBe('0');
      await menu.getByText('Nothing is wrong.').waitFor();
      // A webhook channel: its secret is shown once.
      await menu.getByLabel('Channel name').fill('ops');
      await menu.getByLabel('URL or address').fill(hook.url);
      await menu.getByRole('button', { name: 'Add channel' }).click();
      await menu.locator('.secret code').waitFor();
      expect(await menu.locator('.secret code').textContent()).toMatch(/^sos_w_/);
      // The rule: battery below 10, on al-1 only (the filter builder), notifying ops.
      const editor = menu.locator('.rule-editor');
      await editor.getByLabel('Name', { exact: true }).fill('battery low');
      await editor.getByLabel('Threshold', { exact: true }).fill('10');
      await editor.getByRole('button', { name: '+ Add condition' }).click();
      const condition = editor.getByRole('group', { name: 'Condition 1' });
      await condition.getByLabel('Field').selectOption('serial');
      await condition.getByLabel('Operator').selectOption('EQUALS');
      await condition.getByLabel('Value').fill('al-1');
      await condition.getByLabel('Value').press('Enter');
      await editor.getByLabel('ops').check();
      await editor.getByRole('button', { name: 'Add rule' }).click();
      await menu.locator('.rules li', { hasText: 'battery low' }).waitFor();
      expect(await menu.locator('.rules li', { hasText: 'battery low' }).textContent()).toContain('battery < 10');

      for (const serial of ['al-1', 'al-2']) expect((await device.update(n++, serial, { battery: 5 })).ok).toBe(true);
      await menu.locator('.badge[data-firing="1"]').waitFor();
      const alert = menu.locator('li.alert-firing');
      await alert.waitFor();
      expect(await alert.getAttribute('data-serial')).toBe('al-1');
      expect(await menu.locator('li.alert').count()).toBe(1);
      await eventually(
        () => hook.of('FIRING', 'al-1').length,
        (c) => c === 1,
      );
      await alert.getByLabel('Comment').fill('replacing the cells');
      await alert.getByRole('button', { name: 'Acknowledge' }).click();
      await alert.locator('.ack').waitFor();
      expect(await alert.locator('.ack').textContent()).toContain('replacing the cells');

      // The device's trend shows where it fired.
      await page.goto(`${server.url}/?device=al-1`);
      await page.locator('.trend-plot[data-name="battery"][data-marks="1"]').waitFor();
      expect(await page.locator('.trend-plot[data-name="battery"]').getAttribute('title')).toContain('battery low: firing');
    } finally {
      device.ws.terminate();
      await browser.close();
      await hook.close();
      await server.close();
    }
  });
});
