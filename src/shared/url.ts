// URL helpers shared by the domain and the edge.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Hosts on this machine: the only ones allowed over plain http (callbacks in development, the simulator). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname);

/**
 * Appends parameters to a URL, keeping the ones it has as the caller wrote them. Callback URLs are stored
 * normalised (`URL.href`), so appending to the string is what the URL API would do, at a fraction of its
 * cost (docs/performance.md). A name already in the query is replaced via the URL API.
 */
export function withParams(url: string, params: Record<string, string | undefined>): string {
  const hash = url.indexOf('#');
  let base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const q = base.indexOf('?');
    if (q >= 0 && base.includes(name, q) && new URLSearchParams(base.slice(q)).has(name)) {
      const u = new URL(base);
      u.searchParams.set(name, value);
      base = u.href;
      continue;
    }
    const separator = q < 0 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
    base += separator + new URLSearchParams([[name, value]]).toString();
  }
  return base + fragment;
}

/** The origins of the given URLs, skipping any that do not parse. */
export const originsOf = (urls: string[]): string[] =>
  urls.flatMap((u) => {
    try {
      return [new URL(u).origin];
    } catch {
      return [];
    }
  });
