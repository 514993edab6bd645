// Summarises a V8 .cpuprofile: self time by function, or by where the code lives.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time grouped by `keyOf`, as shares of all samples, largest first. */
function aggregate(
  file: string,
  top: number,
  keyOf: (n: ProfileNode, parentOf: (n: ProfileNode) => ProfileNode | undefined) => string,
): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n);
  const parentOf = (n: ProfileNode) => parents.get(n.id) ?? byId.get(-1);
  const sums = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const key = keyOf(n, parentOf);
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

const SOCKET_WRITES = new Set(['writev', 'writeUtf8String', 'writeLatin1String', 'writeBuffer']);

/**
 * Self time by where the code lives: a package, our src/, Node's internals, or the VM itself. Native
 * frames count for the JS that called them (a WebCrypto job's `run` is node crypto), except socket writes,
 * which are a kind of their own: on this machine each write to a local socket is expensive.
 */
export function profileByArea(file: string): string[] {
  const area = (n: ProfileNode, parentOf: (n: ProfileNode) => ProfileNode | undefined): string => {
    const { url, functionName } = n.callFrame;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return pkg[1]!;
    if (url.startsWith('wasm://')) return "WebAssembly (PGlite, or undici's HTTP parser)";
    if (/\/(src)\//.test(url)) return 'eidgate src/';
    if (url.startsWith('node:internal/crypto') || functionName === 'jobPromise') return 'node crypto';
    if (url.startsWith('node:internal/deps/undici')) return 'undici (fetch: calls to the provider)';
    if (/^node:(_http|net|internal\/streams|internal\/stream_base|internal\/http)/.test(url)) return 'node HTTP and streams';
    if (url.startsWith('node:')) return 'node internals';
    if (SOCKET_WRITES.has(functionName)) return 'socket writes';
    if (functionName.startsWith('(')) return functionName;
    const parent = parentOf(n);
    return parent ? area(parent, parentOf) : `native ${functionName}`;
  };
  return aggregate(file, 12, area);
}
