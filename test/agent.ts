// A scripted browser without a browser: fetch with a cookie jar and manual redirects, so tests and the
// journey benchmark can walk login flows over HTTP. Cookies are kept per host (ports share them, as in
// browsers); attributes other than the name and value are ignored.

export class Agent {
  readonly #jar = new Map<string, Map<string, string>>();
  /** How long the agent spent waiting on each host (for the broker/simulator split of a journey). */
  readonly timeByOrigin = new Map<string, number>();

  #cookieHeader(url: URL): string | undefined {
    const jar = this.#jar.get(url.hostname);
    if (!jar || jar.size === 0) return undefined;
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #store(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const jar = this.#jar.get(url.hostname) ?? new Map<string, string>();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
      this.#jar.set(url.hostname, jar);
    }
  }

  cookies(host: string): Map<string, string> {
    return this.#jar.get(host) ?? new Map();
  }

  async request(
    url: string | URL,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const u = new URL(url);
    const headers: Record<string, string> = { 'user-agent': 'eidgate-test-agent', ...init.headers };
    const cookie = this.#cookieHeader(u);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const started = performance.now();
    const res = await fetch(u, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.timeByOrigin.set(u.origin, (this.timeByOrigin.get(u.origin) ?? 0) + performance.now() - started);
    this.#store(u, res);
    return res;
  }

  /**
   * Follows redirects from a request until a response that is not a redirect, or until the next
   * location starts with `stopAt` (a callback the test wants to inspect rather than load).
   */
  async follow(
    url: string | URL,
    init: { method?: string; form?: Record<string, string> } = {},
    stopAt?: string,
  ): Promise<{ response: Response | undefined; url: string; body: string }> {
    let current = new URL(url);
    let res = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        return { response: res, url: current.toString(), body: await res.text() };
      }
      await res.arrayBuffer();
      current = new URL(location, current);
      if (stopAt && current.toString().startsWith(stopAt)) return { response: undefined, url: current.toString(), body: '' };
      res = await this.request(current);
    }
    throw new Error('too many redirects');
  }
}

/** The action URL and hidden fields of the first form on a page. */
export function formAction(html: string, base: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  return new URL(m[1]!.replace(/&amp;/g, '&'), base).toString();
}
