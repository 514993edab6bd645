// Structured JSON logs. What may carry a secret, a token or a national identity number never reaches a
// log line: headers with credentials are censored, and URLs are logged as path plus parameter names only
// (callback URLs carry authorization codes and state).
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.client_secret',
  '*.password',
  '*.access_token',
  '*.id_token',
  '*.code',
  '*.nin',
  '*.pid',
];

/** `/cb?code=abc&state=x` → `/cb?code&state`: enough to debug, nothing to steal. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${names.join('&')}`;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'eidgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        req: (req: { method: string; url: string; id: string; ip?: string }) => ({ method: req.method, url: safeUrl(req.url), id: req.id }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}
