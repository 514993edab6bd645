// How a hosted page is answered: its Content-Security-Policy, built in one place (nothing inline, one
// same-origin stylesheet, form-action naming only the origins a form on the page may end up at) and headers.
import type { FastifyReply } from 'fastify';

import { isLoopbackHost } from '../../shared/url.ts';

export interface PageOptions {
  /** Origins a form on the page may end up at. */
  formTargets?: readonly string[];
  /** Embedded sessions: who may frame the page (the session's embeddedParentDomains); otherwise nobody. */
  frameAncestors?: readonly string[] | undefined;
  /** Sources images may also come from: the account's logo (its https origin, or data:), on its pages only. */
  imgSources?: readonly string[];
  /** The page runs our same-origin script (the embedded frame's watch). */
  script?: boolean;
}

/**
 * A parent domain as CSP sources: an origin as given; a bare host as https, and for this machine's hosts
 * also http (a parent page in development). Entries were validated at create time (no spaces, no `;`).
 */
export function frameAncestorSources(parents: readonly string[]): string[] {
  return parents.flatMap((p) => {
    if (/^https?:\/\//.test(p)) return [p];
    const host = p.split(':')[0] ?? '';
    return isLoopbackHost(host) ? [`https://${p}`, `http://${p}`] : [`https://${p}`];
  });
}

export function pageCsp(opts: PageOptions = {}): string {
  const ancestors = opts.frameAncestors?.length ? frameAncestorSources(opts.frameAncestors).join(' ') : "'none'";
  return [
    "default-src 'none'",
    "style-src 'self'",
    `img-src 'self'${[...new Set(opts.imgSources ?? [])].map((o) => ` ${o}`).join('')}`,
    ...(opts.script ? ["script-src 'self'", "connect-src 'self'"] : []),
    `form-action 'self'${[...new Set(opts.formTargets ?? [])].map((o) => ` ${o}`).join('')}`,
    `frame-ancestors ${ancestors}`,
    "base-uri 'none'",
  ].join('; ');
}

export const PAGE_CSP = pageCsp();

export type PageResponder = (reply: FastifyReply, status: number, html: string, opts?: PageOptions) => FastifyReply;

export const sendPage: PageResponder = (reply, status, html, opts = {}) => {
  // A framed page must not also say DENY: browsers apply X-Frame-Options before frame-ancestors.
  if (opts.frameAncestors?.length) reply.removeHeader('x-frame-options');
  return (
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', pageCsp(opts))
      // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form posts.
      .header('referrer-policy', 'same-origin')
      .send(html)
  );
};
