// How a hosted page is answered: its Content-Security-Policy, built in one place (nothing inline, one
// same-origin stylesheet, form-action naming only the origins a form on the page may end up at) and headers.
import type { FastifyReply } from 'fastify';

export function pageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${[...new Set(formTargets)].map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const PAGE_CSP = pageCsp();

export type PageResponder = (reply: FastifyReply, status: number, html: string, formTargets?: string[]) => FastifyReply;

export const sendPage: PageResponder = (reply, status, html, formTargets = []) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', pageCsp(formTargets))
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form posts.
    .header('referrer-policy', 'same-origin')
    .send(html);
