// `node --import tsx bench/profile-long-tasks.ts <file.cpuprofile> [minMs]`: stretches of the main
// thread without idle samples, and what ran in them.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profile = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const minMs = Number(process.argv[3] ?? 50);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}`;
/** The outermost frames of a sample's stack that are our own code or a library entry point. */
function stackOf(id: number): string[] {
  const out: string[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (n) out.push(label(n));
  }
  return out.reverse();
}
let t = 0;
let start = -1;
let ids: number[] = [];
const tasks: Array<{ at: number; ms: number; top: Array<[string, number]> }> = [];
for (let i = 0; i < profile.samples.length; i++) {
  t += (profile.timeDeltas[i] ?? 0) / 1000;
  const node = byId.get(profile.samples[i] as number);
  const idle = node?.callFrame.functionName === '(idle)';
  if (!idle) {
    if (start < 0) start = t;
    ids.push(profile.samples[i] as number);
  } else if (start >= 0) {
    if (t - start >= minMs) {
      const counts = new Map<string, number>();
      for (const id of ids) {
        const stack = stackOf(id);
        const key = stack.slice(1, 4).join(' > ') || '(root)';
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      tasks.push({ at: start, ms: t - start, top: [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6) });
    }
    start = -1;
    ids = [];
  }
}
console.log(`${tasks.length} stretches over ${minMs} ms`);
for (const task of tasks.sort((a, b) => b.ms - a.ms).slice(0, 12)) {
  console.log(`\nat ${(task.at / 1000).toFixed(2)} s: ${task.ms.toFixed(0)} ms`);
  for (const [k, n] of task.top) console.log(`  ${n}  ${k}`);
}
