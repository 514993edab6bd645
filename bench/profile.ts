// Summarises a V8 .cpuprofile: the functions with the most self time, as share of all samples.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function summariseProfile(file: string, top: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const url = n.callFrame.url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
  }
  return [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1)}% ${k}`);
}

/** Self time by where the code lives: a package, our src/, Node's internals, or the VM itself. */
export function profileByArea(file: string): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const areas = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const url = n.callFrame.url;
    let area: string;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) area = pkg[1]!;
    else if (url.startsWith('wasm://')) area = '@electric-sql/pglite (wasm)';
    else if (/\/(src)\//.test(url)) area = 'eidgate src/';
    else if (url.startsWith('node:internal/crypto') || n.callFrame.functionName === 'jobPromise') area = 'node crypto';
    else if (url.startsWith('node:')) area = 'node internals';
    else area = n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : `native ${n.callFrame.functionName}`;
    areas.set(area, (areas.get(area) ?? 0) + hits);
  }
  return [...areas].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${((100 * v) / total).toFixed(1)}% ${k}`);
}
