import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// Compiled (dist/), a thread's entry is plain JavaScript and runs as it is. From source, workers do not
// inherit the TypeScript loader from every runner (vitest, tsx), so the thread registers tsx itself first.
const compiled = import.meta.url.endsWith('.js');

/** A worker thread on `<name>.ts` (from source) or `<name>.js` (compiled) beside this file. */
export function startThread(name: string, options: WorkerOptions): Worker {
  const entry = new URL(`./${name}${compiled ? '.js' : '.ts'}`, import.meta.url);
  if (compiled) return new Worker(entry, options);
  // The ESM entry of tsx's API (createRequire would resolve its CommonJS one).
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`;
  return new Worker(bootstrap, { ...options, eval: true });
}
