import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEED_TRAFFIC } from './support/fixtures.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the repository', () => {
  it('stands alone: no tracked file but the developers guide points outside it', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.endsWith('.jsonl') && !f.endsWith('.png') && f !== 'DEVELOPERS.md' && f !== 'package-lock.json');
    // A comment may say where CI runs; no code, script or doc may read or link the shared folder.
    const code = (f: string) =>
      readFileSync(`${root}/${f}`, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(#|\/\/)/.test(line));
    const outside = files.filter((f) => code(f).some((line) => /\.\.\/shared\b/.test(line)));
    expect(outside).toEqual([]);
  });

  it('carries the recorded device traffic itself', () => {
    expect(SEED_TRAFFIC.startsWith(root)).toBe(true);
    expect(readFileSync(SEED_TRAFFIC, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(1000);
  });
});
