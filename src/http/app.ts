// The Fastify instance: request ids, logging, metrics and security headers. Errors outside any API style's
// plugin (health, unknown routes) are answered as Signicat's error object; each API style installs its own
// handler in its plugin (src/http/errors.ts). Routes are registered by the composition root (src/broker.ts).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Logger } from 'pino';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { errors } from '../errors/index.ts';
import { UNSTORABLE_REASON, unstorableField } from '../shared/text.ts';
import { renderErrorPage } from '../pages/render.ts';
import { logError, sendApiError, useApiErrors } from './errors.ts';
import { PAGE_CSP } from './pages/respond.ts';

/** Paths a person's browser opens: their errors are pages, not JSON. */
const PAGE_PATH = /^\/(login|auth\/callback|dev)(\/|$)/;

/** A browser navigating: it asks for HTML and not for JSON (API clients send application/json or nothing). */
export function wantsPage(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '');
  return (request.method === 'GET' || request.method === 'HEAD') && /\btext\/html\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
}

export interface AppOptions {
  logger: Logger;
  trustProxy: boolean;
  bodyLimit?: number;
  /** REQUEST_TIMEOUT_MS: headers and body must arrive within it (30 s by default). */
  requestTimeoutMs?: number;
  /** PUBLIC_URL is https: browsers are told to use nothing else (HSTS). */
  https?: boolean;
}

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Sent on every response when PUBLIC_URL is https, so a browser never falls back to plain http. */
export const HSTS = { 'strict-transport-security': 'max-age=31536000; includeSubDomains' };

/** One access line per request (Fastify writes two: incoming and completed), with the request in it. */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export function createApp(opts: AppOptions): FastifyInstance {
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    trustProxy: opts.trustProxy,
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    // randomUUID draws from a cached entropy pool; randomBytes per request showed in the token endpoint's profile.
    genReqId: () => randomUUID().replace(/-/g, ''),
    return503OnClosing: true,
    // A request (headers and body) must arrive within 30 s: a client trickling bytes cannot hold a socket
    // and its memory for ever (Node's default is no limit).
    requestTimeout,
    // Node enforces requestTimeout when it checks its connections, every 30 s by default: a client could
    // hold a connection for twice the limit. Check every second (or faster for a shorter limit).
    serverFactory: (handler) => createServer({ requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout) }, handler),
    logController: new AccessLog(),
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false, useDefaults: false } },
    routerOptions: { ignoreTrailingSlash: false },
    // Failures before any route matched (a malformed %ff path, an over-long id): our error object or page,
    // with the trace id and security headers, not Fastify's default body.
    frameworkErrors: (error, request, frameworkReply) => {
      // Typed for the route's generic schema; this reply has none.
      const reply = frameworkReply as FastifyReply;
      const err =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? errors.notFound('No such resource: a path segment is longer than any id.')
          : errors.badRequest('The URL is not valid.', { cause: error });
      reply.headers(SECURITY_HEADERS).header('x-trace-id', request.id);
      logError(err, request);
      const path = request.url.split('?')[0] ?? '';
      if (PAGE_PATH.test(path)) {
        return reply
          .status(err.status)
          .type('text/html; charset=utf-8')
          .header('content-security-policy', PAGE_CSP)
          .header('cache-control', 'no-store')
          .send(renderErrorPage(err, request));
      }
      return sendApiError(err, request, reply);
    },
  });
  app.register(formbody);
  // An empty JSON body is "no body" (SDKs POST /cancel that way); schemas decide whether that is allowed.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    return parseJson(req, String(body), done);
  });

  const headers = opts.https ? { ...SECURITY_HEADERS, ...HSTS } : SECURITY_HEADERS;
  const duration = registerMetrics(app);
  // Callback-style hooks: they run on every request, and async hooks cost a promise each (seen in the token
  // endpoint's profile). Headers are set up front so a route (or the error handler) may still override them.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-trace-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // Text the store cannot keep (NUL, unpaired surrogates) is refused here for every body and query, in each
  // API style's own error format (the route's handler maps it), before it can become a database error.
  app.addHook('preValidation', (request, _reply, done) => {
    const name = unstorableField(request.body) ?? unstorableField(request.query);
    if (name) return done(errors.invalidRequestParameter([{ name, reason: UNSTORABLE_REASON }]));
    done();
  });

  useApiErrors(app);
  // An unknown path is a page for a browser (it asks for text/html and not JSON), Signicat's error object
  // for everyone else: API clients see exactly what they saw before.
  app.setNotFoundHandler((request, reply) => {
    const err = errors.notFound(`No route ${request.method} ${request.url.split('?')[0]}.`);
    logError(err, request);
    if (!wantsPage(request)) return sendApiError(err, request, reply);
    return reply
      .status(err.status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .send(renderErrorPage(err, request));
  });
  return app;
}

/** Prometheus metrics at app.metrics: the process's, and request latency by route and status. */
function registerMetrics(app: FastifyInstance): Histogram<'method' | 'route' | 'status'> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  app.decorate('metrics', registry);
  return new Histogram({
    name: 'eidgate_http_request_duration_seconds',
    help: 'HTTP request latency by route and status (the _count series counts requests)',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}
