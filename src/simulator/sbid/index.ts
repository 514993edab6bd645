// The Swedish BankID simulator: BankID's Relying Party API v6 (/auth, /sign, /collect, /cancel, JSON over
// mutual TLS) and a test app that plays the person's phone (same-device autostart, QR scan from another
// device). It imports nothing from the broker, so it can ship and run alone. See docs/simulator-sbid.md.
import type { TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { generatePki, loadOrCreatePki, RP_PFX_PASSPHRASE, type SbidPki } from './certs.ts';
import { completionData } from './completion.ts';
import { type Order, OrderBook, type OrderRequest, type Requirement } from './orders.ts';
import {
  appLang,
  choosePage,
  confirmPage,
  donePage,
  errorPage,
  mrtdPage,
  scanFormPage,
  STYLESHEET,
  STYLESHEET_PATH,
  startPage,
  text,
} from './pages.ts';
import { DEFAULT_SWEDISH_PEOPLE, isValidPersonalNumber, type SwedishPerson, validatePeople } from './people.ts';

export type { SwedishPerson } from './people.ts';
export { DEFAULT_SWEDISH_PEOPLE, isValidPersonalNumber, luhnDigit, withCheckDigit } from './people.ts';
export { qrContent } from './orders.ts';

export interface SbidSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTPS with mutual TLS, the RP API; 0 = random. */
  rpPort?: number;
  /** Plain HTTP test app (the person's phone); 0 = random. */
  appPort?: number;
  /** CA, server and RP certificates kept here (created on first start, reused after); undefined = in memory per start. */
  dataDir?: string;
  /** Default: built-in synthetic people. */
  people?: SwedishPerson[];
  /** Seconds until an order fails with expiredTransaction. Default 180 (BankID: about 3 minutes). */
  orderTtlSeconds?: number;
  /** Seconds within which the QR must be scanned or the app opened, else startFailed. Default 30 (BankID's QR window). */
  startWindowSeconds?: number;
  /** Not used: an RP polls collect every 2 s as BankID says. Accepted for compatibility. */
  pollIntervalHint?: number;
  /** Start in maintenance: every RP API call answers 503 maintenance until switched off. */
  maintenance?: boolean;
  /** The simulator's clock in milliseconds (default Date.now), for tests that need an order to age. */
  clock?: () => number;
}

export interface RunningSbidSimulator {
  /** e.g. https://localhost:PORT/rp/v6.0 (server certificate valid for localhost, 127.0.0.1 and ::1). */
  rpApiUrl: string;
  /** e.g. http://localhost:PORT (test app: /app?autostarttoken=…&redirect=…, /app/scan?qr=…). */
  appUrl: string;
  /** The test CA: issued the server certificate and the RP certificate. */
  caCertPem: string;
  /** An RP client certificate the simulator accepts. */
  rpCertPem: string;
  rpKeyPem: string;
  /** The same as PKCS#12, passphrase rpPfxPassphrase (qwerty123, as BankID's test certificate). */
  rpPfx?: Buffer;
  rpPfxPassphrase?: string;
  /** File paths of the certificates when a dataDir is used. */
  certPaths?: SbidPki['paths'];
  /** The maintenance switch: while on, every RP API call answers 503 {errorCode: maintenance}. */
  setMaintenance(on: boolean): void;
  /** Error injection: the next `times` RP API calls (default 1) answer this BankID error with its status. */
  injectError(errorCode: SbidErrorCode, times?: number): void;
  close(): Promise<void>;
}

const API_PREFIX = '/rp/v6.0';
const PAGE_CSP_BASE = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";
const MAX_USER_VISIBLE_DATA = 1500;
const MAX_USER_NON_VISIBLE_DATA = 200_000;

export type SbidErrorCode =
  | 'invalidParameters'
  | 'alreadyInProgress'
  | 'unauthorized'
  | 'notFound'
  | 'methodNotAllowed'
  | 'requestTimeout'
  | 'unsupportedMediaType'
  | 'internalError'
  | 'maintenance';

type ErrorCode = SbidErrorCode;

const STATUS: Record<ErrorCode, number> = {
  invalidParameters: 400,
  alreadyInProgress: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  requestTimeout: 408,
  unsupportedMediaType: 415,
  internalError: 500,
  maintenance: 503,
};

class RpError extends Error {
  readonly errorCode: ErrorCode;
  constructor(errorCode: ErrorCode, details: string) {
    super(details);
    this.errorCode = errorCode;
  }
}

function sendError(reply: FastifyReply, errorCode: ErrorCode, details: string): FastifyReply {
  return reply.code(STATUS[errorCode]).type('application/json').send({ errorCode, details });
}

const isBase64 = (s: string) => s.length > 0 && s.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(s);

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Reads an /auth or /sign body the way BankID does: endUserIp required; every given field well-formed. */
function parseOrderRequest(kind: 'auth' | 'sign', body: unknown): OrderRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RpError('invalidParameters', 'Expected a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.endUserIp !== 'string' || !isIP(b.endUserIp)) throw new RpError('invalidParameters', 'Invalid endUserIp');
  const req: OrderRequest = { kind, endUserIp: b.endUserIp };
  if (b.returnUrl !== undefined) {
    if (typeof b.returnUrl !== 'string' || b.returnUrl.length > 512 || !isHttpUrl(b.returnUrl))
      throw new RpError('invalidParameters', 'Invalid returnUrl');
    req.returnUrl = b.returnUrl;
  }
  if (b.returnRisk !== undefined) {
    if (typeof b.returnRisk !== 'boolean') throw new RpError('invalidParameters', 'Invalid returnRisk');
    req.returnRisk = b.returnRisk;
  }
  if (b.userVisibleData !== undefined) {
    if (typeof b.userVisibleData !== 'string' || !isBase64(b.userVisibleData) || b.userVisibleData.length > MAX_USER_VISIBLE_DATA) {
      throw new RpError('invalidParameters', 'Invalid userVisibleData');
    }
    req.userVisibleData = b.userVisibleData;
  } else if (kind === 'sign') {
    throw new RpError('invalidParameters', 'Missing userVisibleData');
  }
  if (b.userVisibleDataFormat !== undefined) {
    if (b.userVisibleDataFormat !== 'simpleMarkdownV1' && b.userVisibleDataFormat !== 'plaintext') {
      throw new RpError('invalidParameters', 'Invalid userVisibleDataFormat');
    }
    req.userVisibleDataFormat = b.userVisibleDataFormat;
  }
  if (b.userNonVisibleData !== undefined) {
    if (
      typeof b.userNonVisibleData !== 'string' ||
      !isBase64(b.userNonVisibleData) ||
      b.userNonVisibleData.length > MAX_USER_NON_VISIBLE_DATA
    ) {
      throw new RpError('invalidParameters', 'Invalid userNonVisibleData');
    }
    req.userNonVisibleData = b.userNonVisibleData;
  }
  if (b.requirement !== undefined) req.requirement = parseRequirement(b.requirement);
  return req;
}

function parseRequirement(value: unknown): Requirement {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new RpError('invalidParameters', 'Invalid requirement');
  const r = value as Record<string, unknown>;
  const out: Requirement = {};
  for (const flag of ['pinCode', 'mrtd'] as const) {
    if (r[flag] !== undefined) {
      if (typeof r[flag] !== 'boolean') throw new RpError('invalidParameters', `Invalid requirement.${flag}`);
      out[flag] = r[flag];
    }
  }
  if (r.cardReader !== undefined) {
    if (r.cardReader !== 'class1' && r.cardReader !== 'class2') throw new RpError('invalidParameters', 'Invalid requirement.cardReader');
    out.cardReader = r.cardReader;
  }
  if (r.certificatePolicies !== undefined) {
    if (!Array.isArray(r.certificatePolicies) || !r.certificatePolicies.every((p) => typeof p === 'string' && /^\d+(\.\d+)+$/.test(p))) {
      throw new RpError('invalidParameters', 'Invalid requirement.certificatePolicies');
    }
    out.certificatePolicies = r.certificatePolicies as string[];
  }
  if (r.personalNumber !== undefined) {
    if (typeof r.personalNumber !== 'string' || !isValidPersonalNumber(r.personalNumber)) {
      throw new RpError('invalidParameters', 'Invalid requirement.personalNumber');
    }
    out.personalNumber = r.personalNumber;
  }
  return out;
}

function parseOrderRef(body: unknown): string {
  const ref = body && typeof body === 'object' ? (body as Record<string, unknown>).orderRef : undefined;
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 100) throw new RpError('invalidParameters', 'Invalid orderRef');
  return ref;
}

function decodeVisible(order: Order): string | undefined {
  if (!order.request.userVisibleData) return undefined;
  return Buffer.from(order.request.userVisibleData, 'base64').toString('utf8');
}

function hostForUrl(host: string): string {
  if (host === '127.0.0.1' || host === '0.0.0.0' || host === '::' || host === '::1' || host === 'localhost') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSbidSimulator(o: SbidSimulatorOptions = {}): Promise<RunningSbidSimulator> {
  const host = o.host ?? '127.0.0.1';
  const people = o.people ?? [...DEFAULT_SWEDISH_PEOPLE];
  validatePeople(people);
  const peopleByPnr = new Map(people.map((p) => [p.personalNumber, p]));
  const pki = o.dataDir ? await loadOrCreatePki(o.dataDir) : await generatePki();
  const orders = new OrderBook({
    clock: o.clock ? { now: o.clock } : undefined,
    orderTtlSeconds: o.orderTtlSeconds ?? 180,
    startWindowSeconds: o.startWindowSeconds ?? 30,
  });
  let maintenance = o.maintenance ?? false;
  let injected: { errorCode: ErrorCode; remaining: number } | undefined;
  const inject = (errorCode: ErrorCode, times: number) => {
    injected = times > 0 ? { errorCode, remaining: times } : undefined;
  };

  // ---- RP API: HTTPS, client certificate requested and checked against the test CA ----
  const rp: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    https: {
      key: pki.serverKeyPem,
      cert: pki.serverCertPem,
      ca: [pki.caCertPem],
      requestCert: true,
      // The handshake completes without a trusted certificate so that the RP gets BankID's readable
      // 401 unauthorized rather than a bare TLS alert.
      rejectUnauthorized: false,
    },
  });

  rp.addHook('onRequest', async (req, reply) => {
    const socket = req.raw.socket as TLSSocket;
    if (!socket.authorized) {
      const cert = socket.getPeerCertificate();
      const why =
        cert && Object.keys(cert).length > 0 ? `client certificate not accepted (${socket.authorizationError})` : 'no client certificate';
      return sendError(reply, 'unauthorized', `Unauthorized: ${why}`);
    }
    if (!req.url.startsWith(API_PREFIX)) return undefined;
    if (maintenance) return sendError(reply, 'maintenance', 'Service is under maintenance, try again later');
    if (injected) {
      const { errorCode } = injected;
      if (--injected.remaining <= 0) injected = undefined;
      return sendError(reply, errorCode, `Injected by the simulator: ${errorCode}`);
    }
    return undefined;
  });

  // BankID accepts exactly application/json (a charset parameter is refused with 415).
  rp.removeAllContentTypeParsers();
  rp.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const type = req.headers['content-type'];
    if (type?.trim().toLowerCase() !== 'application/json') {
      done(new RpError('unsupportedMediaType', 'Content-Type must be application/json, without parameters'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new RpError('invalidParameters', 'Request body is not valid JSON'), undefined);
    }
  });

  rp.setErrorHandler((err, _req, reply) => {
    if (err instanceof RpError) return sendError(reply, err.errorCode, err.message);
    const e = err as { code?: string; statusCode?: number };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'invalidParameters', 'Request body too large');
    if (e.statusCode === 408) return sendError(reply, 'requestTimeout', 'Request timeout');
    if (e.statusCode && e.statusCode < 500) return sendError(reply, 'invalidParameters', 'Invalid request');
    return sendError(reply, 'internalError', 'Internal error');
  });
  rp.setNotFoundHandler((_req, reply) => sendError(reply, 'notFound', 'No such endpoint'));

  const requireBody = (req: FastifyRequest) => {
    if (req.body !== undefined) return req.body;
    if (req.headers['content-type']?.trim().toLowerCase() === 'application/json')
      throw new RpError('invalidParameters', 'Empty request body');
    throw new RpError('unsupportedMediaType', 'Content-Type must be application/json, without parameters');
  };

  const startOrder = (kind: 'auth' | 'sign') => async (req: FastifyRequest, reply: FastifyReply) => {
    const request = parseOrderRequest(kind, requireBody(req));
    const result = orders.create(request);
    if ('alreadyInProgress' in result) return sendError(reply, 'alreadyInProgress', 'Order already in progress for pno');
    const { order } = result;
    return reply.send({
      orderRef: order.orderRef,
      autoStartToken: order.autoStartToken,
      qrStartToken: order.qrStartToken,
      qrStartSecret: order.qrStartSecret,
    });
  };

  const postOnly = (url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    rp.post(url, handler);
    rp.route({
      method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url,
      handler: async (_req, reply) => sendError(reply, 'methodNotAllowed', 'Method not allowed, use POST'),
    });
  };

  postOnly(`${API_PREFIX}/auth`, startOrder('auth'));
  postOnly(`${API_PREFIX}/sign`, startOrder('sign'));
  postOnly(`${API_PREFIX}/collect`, async (req, reply) => {
    const order = orders.collect(parseOrderRef(requireBody(req)));
    if (!order) return sendError(reply, 'invalidParameters', 'No such order');
    if (order.status === 'complete')
      return reply.send({ orderRef: order.orderRef, status: 'complete', completionData: order.completionData });
    return reply.send({ orderRef: order.orderRef, status: order.status, hintCode: order.hintCode });
  });
  postOnly(`${API_PREFIX}/cancel`, async (req, reply) => {
    if (!orders.cancel(parseOrderRef(requireBody(req)))) return sendError(reply, 'invalidParameters', 'No such order');
    return reply.send({});
  });

  // ---- Test app: plain HTTP pages ----
  // No automatic HEAD routes: a HEAD to a start URL must not start the order.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 16 * 1024, exposeHeadRoutes: false });
  await app.register(formbody);

  const page = (reply: FastifyReply, status: number, html: string, formTarget?: string) => {
    let formAction = "'self'";
    if (formTarget) {
      // The form's redirect after approve/cancel goes to the RP; CSP form-action must allow exactly that origin.
      try {
        formAction += ` ${new URL(formTarget).origin}`;
      } catch {}
    }
    return reply
      .code(status)
      .header('content-security-policy', `${PAGE_CSP_BASE}; form-action ${formAction}`)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);
  };

  app.get(STYLESHEET_PATH, async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=3600')
      .send(STYLESHEET),
  );

  // Query and form fields as single strings: a repeated field (an array) counts as absent, never a 500.
  type Q = Record<string, string | undefined>;
  const fields = (raw: unknown): Q => {
    const out: Q = {};
    if (raw && typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
    }
    return out;
  };
  const langOf = (req: FastifyRequest) => appLang(fields(req.query).lang ?? fields(req.body).lang, req.headers['accept-language']);
  const rpName = 'Testbanken Simulator AB';
  const finalMessage = (order: Order, lang: 'sv' | 'en'): string => {
    if (order.endedBy === 'rp-cancel') return text('rpCancel', lang);
    if (order.status === 'complete') return text('complete', lang);
    const hint = order.hintCode;
    if (
      hint === 'userCancel' ||
      hint === 'certificateErr' ||
      hint === 'expiredTransaction' ||
      hint === 'startFailed' ||
      hint === 'cancelled'
    ) {
      return text(hint, lang);
    }
    return text('rpCancel', lang);
  };

  const orderPage = (appToken: string, lang: 'sv' | 'en') => `/app/order?t=${encodeURIComponent(appToken)}&lang=${lang}`;

  const renderOrder = (reply: FastifyReply, order: Order, appToken: string, lang: 'sv' | 'en') => {
    const info = { appToken, kind: order.request.kind, rpName, userVisibleText: decodeVisible(order) };
    if (order.status !== 'pending' || order.endedBy) return page(reply, 200, donePage(lang, finalMessage(order, lang)));
    const chosen = order.personalNumber ? peopleByPnr.get(order.personalNumber) : undefined;
    if (chosen && order.hintCode === 'userMrtd') return page(reply, 200, mrtdPage(lang, info, chosen), order.redirect);
    if (chosen && order.hintCode === 'userSign') return page(reply, 200, confirmPage(lang, info, chosen), order.redirect);
    const required = order.request.requirement?.personalNumber;
    const choices = required ? people.filter((p) => p.personalNumber === required) : people;
    return page(reply, 200, choosePage(lang, info, choices, required), order.redirect);
  };

  const startFailurePage = (reply: FastifyReply, lang: 'sv' | 'en', reason: string, order?: Order, detail?: string) => {
    const en: Record<string, [number, string]> = {
      malformed: [400, 'This is not a BankID QR code (expected bankid.<qrStartToken>.<seconds>.<hex HMAC>).'],
      unknown: [404, 'No order matches this code: it is unknown, finished or cancelled.'],
      forged: [400, 'The QR code’s authentication code is wrong: it was not computed with this order’s qrStartSecret.'],
      stale: [
        400,
        `The QR code is too old: ${detail ?? ''}. The code must be recomputed every second from the time since the order was created.`,
      ],
      notPending: [409, order ? `The order has already ended: ${finalMessage(order, 'en')}` : 'The order has already ended.'],
      alreadyStarted: [409, 'This order has already been started on a device.'],
    };
    const sv: Record<string, string> = {
      malformed: 'Detta är ingen BankID-QR-kod.',
      unknown: 'Ingen order matchar koden: den är okänd, avslutad eller avbruten.',
      forged: 'QR-kodens autentiseringskod är fel: den beräknades inte med orderns qrStartSecret.',
      stale: `QR-koden är för gammal (${detail ?? ''}). Koden ska räknas om varje sekund.`,
      notPending: order ? `Ordern är redan avslutad: ${finalMessage(order, 'sv')}` : 'Ordern är redan avslutad.',
      alreadyStarted: 'Ordern har redan startats på en enhet.',
    };
    const [status, message] = en[reason] ?? [400, 'Invalid request.'];
    return page(reply, status, errorPage(lang, lang === 'sv' ? (sv[reason] ?? message) : message));
  };

  app.get('/', async (_req, reply) => reply.redirect('/app', 303));

  app.get('/app', async (req, reply) => {
    const q = fields(req.query);
    const lang = langOf(req);
    if (!q.autostarttoken) return page(reply, 200, startPage(lang));
    let redirect: string | undefined;
    if (q.redirect && q.redirect !== 'null') {
      if (!isHttpUrl(q.redirect)) return page(reply, 400, errorPage(lang, 'redirect must be an http or https URL (or null).'));
      redirect = q.redirect;
    }
    const result = orders.startWithAutoStartToken(q.autostarttoken, redirect);
    if (!result.ok) return startFailurePage(reply, lang, result.reason, result.order);
    return reply.redirect(orderPage(result.appToken, lang), 303);
  });

  app.get('/app/scan', async (req, reply) => {
    const q = fields(req.query);
    const lang = langOf(req);
    if (!q.qr) return page(reply, 200, scanFormPage(lang));
    const result = orders.startWithQr(q.qr.trim());
    if (!result.ok) return startFailurePage(reply, lang, result.reason, result.order, result.detail);
    return reply.redirect(orderPage(result.appToken, lang), 303);
  });

  app.get('/app/order', async (req, reply) => {
    const lang = langOf(req);
    const appToken = fields(req.query).t ?? '';
    const order = orders.byAppToken(appToken);
    if (!order) return page(reply, 404, errorPage(lang, lang === 'sv' ? 'Okänd order.' : 'Unknown order.'));
    return renderOrder(reply, order, appToken, lang);
  });

  app.post('/app/order', async (req, reply) => {
    const body = fields(req.body);
    const lang = langOf(req);
    // The app token is the order's capability: only the page that started the order has it (CSRF-safe).
    const appToken = body.t ?? '';
    const order = orders.byAppToken(appToken);
    if (!order) return page(reply, 404, errorPage(lang, lang === 'sv' ? 'Okänd order.' : 'Unknown order.'));
    const back = () => reply.redirect(orderPage(appToken, lang), 303);
    const finish = () => (order.redirect && order.status !== 'pending' && !order.endedBy ? reply.redirect(order.redirect, 303) : back());
    switch (body.action) {
      case 'cancel':
        orders.failInApp(order, 'userCancel');
        return finish();
      case 'identify': {
        const required = order.request.requirement?.personalNumber;
        const person = body.person ? peopleByPnr.get(body.person) : undefined;
        if (!person || (required && person.personalNumber !== required)) {
          return page(
            reply,
            400,
            errorPage(lang, lang === 'sv' ? 'Välj ett test-BankID i listan.' : 'Choose a test BankID from the list.'),
          );
        }
        orders.chooseIdentity(order, person.personalNumber);
        return back();
      }
      case 'mrtd':
        orders.mrtdDone(order);
        return back();
      case 'approve': {
        const person = order.personalNumber ? peopleByPnr.get(order.personalNumber) : undefined;
        if (person?.certificateErr) orders.failInApp(order, 'certificateErr');
        else if (person) orders.complete(order, completionData(order, person, req.ip, pki));
        return finish();
      }
      default:
        return page(reply, 400, errorPage(lang, lang === 'sv' ? 'Okänd åtgärd.' : 'Unknown action.'));
    }
  });

  // The maintenance switch for people and scripts: PUT with a JSON body, so a cross-site form cannot flip it.
  app.put('/admin/maintenance', async (req, reply) => {
    const on = (req.body as { maintenance?: unknown } | undefined)?.maintenance;
    if (typeof on !== 'boolean') return reply.code(400).send({ error: 'expected {"maintenance": true|false}' });
    maintenance = on;
    return reply.send({ maintenance });
  });
  app.get('/admin/maintenance', async (_req, reply) => reply.send({ maintenance }));
  app.put('/admin/inject-error', async (req, reply) => {
    const b = (req.body ?? {}) as { errorCode?: unknown; times?: unknown };
    const times = b.times === undefined ? 1 : b.times;
    if (typeof b.errorCode !== 'string' || !(b.errorCode in STATUS) || typeof times !== 'number' || !Number.isInteger(times) || times < 0) {
      return reply.code(400).send({ error: `expected {"errorCode": one of ${Object.keys(STATUS).join(', ')}, "times"?: a whole number}` });
    }
    inject(b.errorCode as ErrorCode, times);
    return reply.send({ errorCode: b.errorCode, times });
  });

  app.setNotFoundHandler((req, reply) => page(reply, 404, errorPage(langOf(req), 'Not found.')));
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    return page(
      reply,
      status && status < 500 ? status : 500,
      errorPage(langOf(req), status && status < 500 ? 'Invalid request.' : 'Internal error.'),
    );
  });

  const purge = setInterval(() => orders.purge(), 30_000);
  purge.unref();

  try {
    await rp.listen({ host, port: o.rpPort ?? 0 });
    await app.listen({ host, port: o.appPort ?? 0 });
  } catch (e) {
    clearInterval(purge);
    await Promise.allSettled([rp.close(), app.close()]);
    throw e;
  }
  const portOf = (f: FastifyInstance) => {
    const addr = f.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  };
  const urlHost = hostForUrl(host);

  return {
    rpApiUrl: `https://${urlHost}:${portOf(rp)}${API_PREFIX}`,
    appUrl: `http://${urlHost}:${portOf(app)}`,
    caCertPem: pki.caCertPem,
    rpCertPem: pki.rpCertPem,
    rpKeyPem: pki.rpKeyPem,
    rpPfx: pki.rpPfx,
    rpPfxPassphrase: RP_PFX_PASSPHRASE,
    certPaths: pki.paths,
    setMaintenance(on: boolean) {
      maintenance = on;
    },
    injectError(errorCode: ErrorCode, times = 1) {
      if (!(errorCode in STATUS)) throw new Error(`injectError: unknown errorCode ${errorCode}`);
      inject(errorCode, times);
    },
    async close() {
      clearInterval(purge);
      await Promise.all([rp.close(), app.close()]);
    },
  };
}
