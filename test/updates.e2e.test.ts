import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EmulatedFleet } from '../agent/emulator/fleet.ts';
import { solmate } from '../agent/emulator/solmate.ts';
import { generateSigningKey, sha256Hex, signRelease } from '../agent/release/signature.ts';
import { browserAvailable, launchBrowser } from './support/browser.ts';
import { startServer } from './support/server.ts';
import { eventually } from './support/wait.ts';

describe.skipIf(!browserAvailable())('the dashboard: releases and deployments', () => {
  it('deploys a release to the filtered devices, shows it live, and each device its version and history', async () => {
    const server = await startServer({ maxFramesPerSecond: 1000 });
    const fleet = new EmulatedFleet({
      url: server.deviceUrl,
      devices: 4,
      serialStart: 1,
      serialPrefix: 'ui-',
      init: false,
      behaviour: solmate({ pattern: 'random', max: 100 }),
      minSleepS: 0.2,
      maxSleepS: 0.4,
      connectPerSecond: 1000,
    });
    const browser = await launchBrowser({ width: 1440, height: 900 });
    try {
      await fleet.start();
      await eventually(() => Promise.resolve(server.app.fleet.get('ui-0004')?.capabilities), Boolean, 10_000);
      const artifact = randomBytes(32 * 1024);
      const identity = { kind: 'software' as const, name: 'solmate-fw', version: '3.1.0', sha256: sha256Hex(artifact) };
      const res = await fetch(`${server.url}/releases`, {
        method: 'POST',
        headers: {
          'x-release-name': identity.name,
          'x-release-version': identity.version,
          'x-release-signature': signRelease(identity, generateSigningKey().privateKeyPem),
          'x-release-notes': encodeURIComponent('Faster charging'),
        },
        body: new Uint8Array(artifact),
      });
      expect(res.status).toBe(201);
      const page = await browser.context.newPage();
      // Only ui-0001 and ui-0002 match the filter: the deployment goes to them.
      await page.goto(`${server.url}/?f=serial~LTE~ui-0002`);
      await page.locator('tbody tr').nth(1).waitFor();
      await page.locator('.updates-menu summary').click();
      const release = page.locator('.releases li', { hasText: 'solmate-fw 3.1.0' });
      await release.waitFor();
      expect(await release.textContent()).toContain('Faster charging');
      await page.getByLabel('Healthy after (s)').fill('1');
      await release.getByRole('button', { name: 'Deploy' }).click();
      const view = page.locator('section.deployment');
      await view.locator('[data-deployment-state="COMPLETED"]').waitFor({ timeout: 30_000 });
      expect(await view.locator('dd[data-state="HEALTHY"]').textContent()).toBe('2');
      expect(await view.textContent()).toContain('to 2 device(s)');
      await page.goto(`${server.url}/?device=ui-0001`);
      const software = page.getByRole('region', { name: 'Software' });
      await software.getByText('3.1.0', { exact: true }).waitFor();
      expect(await software.locator('li').textContent()).toMatch(/solmate-fw 3\.1\.0 \(deployment \d+\): healthy/);
      await page.goto(`${server.url}/?device=ui-0003`);
      await page.getByRole('region', { name: 'Software' }).getByText('No update has reached it.').waitFor();
    } finally {
      await browser.close();
      await fleet.stop();
      await server.close();
    }
  }, 90_000);
});
