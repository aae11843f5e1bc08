// `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time per function, and per file.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const profile = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as { nodes: Node[]; samples: number[] };
const top = Number(process.argv[3] ?? 40);
const total = profile.samples.length;
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of profile.nodes) {
  const file = n.callFrame.url.replace(/^file:\/\/.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '') || '(native)';
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${file}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + n.hitCount);
  const pkg = file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : (file.split('/')[0] ?? file);
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + n.hitCount);
}
const show = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`samples: ${total}\n\n-- by function --\n${show(byFn, top)}\n\n-- by package/file --\n${show(byFile, 25)}`);
