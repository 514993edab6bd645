// Small HTTP helpers the simulator's own handlers share (its pages, logout, the token-endpoint checks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' *; frame-ancestors 'none'; base-uri 'none'";

const LIMIT = 56 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(html);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** A request whose body was read already, readable again (oidc-provider reads bodies itself). */
export function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from(body.length ? [body] : []) as unknown as IncomingMessage & { originalUrl?: string };
  const headers = { ...req.headers };
  if (headers['content-length'] !== undefined || body.length) headers['content-length'] = String(body.length);
  Object.assign(copy, {
    headers,
    rawHeaders: req.rawHeaders,
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
    originalUrl: (req as { originalUrl?: string }).originalUrl,
  });
  return copy;
}
