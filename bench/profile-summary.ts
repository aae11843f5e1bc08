// `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top] [--last SECONDS]`: self time per function, and
// per file; with --last, only the profile's last SECONDS (a benchmark's measured phase, not its set-up).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { last: { type: 'string' } } });
const profile = JSON.parse(readFileSync(positionals[0] as string, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const top = Number(positionals[1] ?? 40);
// Sample times (µs from the start), to keep only the last --last seconds.
const times: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) {
  t += d;
  times.push(t);
}
const from = opts.last === undefined ? Number.NEGATIVE_INFINITY : t - Number(opts.last) * 1e6;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  if ((times[i] as number) < from) return;
  const n = nodes.get(id) as Node;
  total++;
  const file = n.callFrame.url.replace(/^file:\/\/.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '') || '(native)';
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${file}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + 1);
  const pkg = file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : (file.split('/')[0] ?? file);
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + 1);
});
const show = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`samples: ${total}\n\n-- by function --\n${show(byFn, top)}\n\n-- by package/file --\n${show(byFile, 25)}`);
