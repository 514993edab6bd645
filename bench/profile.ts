// Summarises a V8 .cpuprofile: self time by function, or by where the code lives.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time grouped by `keyOf`, as shares of all samples, largest first. */
function aggregate(file: string, top: number, keyOf: (n: ProfileNode) => string): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const sums = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const key = keyOf(n);
    sums.set(key, (sums.get(key) ?? 0) + hits);
  }
  return [...sums]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1)}% ${k}`);
}

/** The functions with the most self time. */
export function summariseProfile(file: string, top: number): string[] {
  return aggregate(file, top, (n) => {
    const url = n.callFrame.url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/');
    return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
  });
}

/** Self time by where the code lives: a package, our src/, Node's internals, or the VM itself. */
export function profileByArea(file: string): string[] {
  return aggregate(file, 12, (n) => {
    const url = n.callFrame.url;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return pkg[1]!;
    if (url.startsWith('wasm://')) return '@electric-sql/pglite (wasm)';
    if (/\/(src)\//.test(url)) return 'eidgate src/';
    if (url.startsWith('node:internal/crypto') || n.callFrame.functionName === 'jobPromise') return 'node crypto';
    if (url.startsWith('node:')) return 'node internals';
    return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : `native ${n.callFrame.functionName}`;
  });
}
