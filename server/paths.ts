import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The same code runs from server/ (tsx, tests) and from dist/server/ (npm start): files that are not
// compiled (the dashboard, the docs site) are found from the folder that holds package.json.
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}

export const projectRoot = findRoot(import.meta.dirname);

export const projectPath = (relative: string): string => join(projectRoot, relative);
