// The ID-porten simulator: panva's oidc-provider (a certified OpenID Provider) configured to behave like
// ID-porten on the wire — its endpoint paths, metadata, acr values, claims and lifetimes — plus a login
// page with synthetic people. It shares no code with the broker; the broker reaches it over HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { exportJWK, generateKeyPair, calculateJwkThumbprint } from 'jose';
import Provider, { errors as oidcErrors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_VALUES, EIDS, REACHABLE_ACRS, achievedLevel, acrRank, eidById, requestedMinimum, type Eid } from './eids.ts';
import { checkNin } from '../nin.ts';
import { SIM_STYLESHEET, SIM_STYLESHEET_PATH, loginPage, simErrorPage, simLang, type SimLang } from './pages.ts';
import { loadPeople, type Person } from './people.ts';

export interface SimulatorClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  jwks?: { keys: Record<string, unknown>[] };
  post_logout_redirect_uris?: string[];
  client_name?: string;
  scope?: string;
}

export interface SimulatorOptions {
  issuer: string;
  clients: SimulatorClient[];
  people?: Person[];
  /** Salt for pairwise subjects; fixed to keep subjects stable across restarts. */
  pairwiseSalt?: string;
}

export interface RunningSimulator {
  issuer: string;
  provider: Provider;
  server: Server;
  people: Person[];
  close(): Promise<void>;
}

const PAGE_CSP = "default-src 'none'; style-src 'self'; form-action 'self' *; frame-ancestors 'none'; base-uri 'none'";
const TESTID_HINT = /^testid:(\d{11})_(.+)$/;

/** Account ids inside the simulator carry the eID and locale used, so claims can depend on them. */
const accountIdOf = (pid: string, eid: string, locale: SimLang) => `${pid}.${eid}.${locale}`;
function parseAccountId(id: string): { pid: string; eid: Eid; locale: SimLang } | undefined {
  const [pid, eidId, locale] = id.split('.');
  const eid = eidById(eidId ?? '');
  if (!pid || !eid || !locale) return undefined;
  return { pid, eid, locale: locale as SimLang };
}

export async function createProvider(opts: SimulatorOptions, people: Person[]): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const signingKey = { ...jwk, alg: 'RS256', use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  const salt = opts.pairwiseSalt ?? randomBytes(16).toString('hex');
  const byPid = new Map(people.map((p) => [p.pid, p]));

  const policy = interactionPolicy.base();
  // ID-porten authenticates again when the SSO session's level is below the one requested.
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('acr_too_low', 'the session does not meet the requested level', (ctx: KoaContextWithOIDC) => {
      const minimum = requestedMinimum(ctx.oidc.params?.acr_values as string | undefined);
      const sessionAcr = ctx.oidc.session?.acr;
      return acrRank(sessionAcr) < acrRank(minimum) ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );

  const configuration: Configuration = {
    clients: opts.clients.map((c) => ({ token_endpoint_auth_method: 'client_secret_basic', ...c })) as Configuration['clients'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    jwks: { keys: [signingKey] },
    routes: {
      authorization: '/authorize',
      pushed_authorization_request: '/par',
      token: '/token',
      userinfo: '/userinfo',
      jwks: '/jwks.json',
      end_session: '/logout',
      revocation: '/token/revoke',
      introspection: '/token/introspect',
    },
    responseTypes: ['code'],
    scopes: ['openid', 'profile'],
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => {
      const pid = parseAccountId(accountId)?.pid ?? accountId;
      // Pairwise per client, as in ID-porten (not per sector as OpenID Connect would allow).
      return createHash('sha256').update(`${client.clientId}|${pid}|${salt}`).digest('base64url');
    },
    claims: {
      // ID-porten always sends these in the id_token, whatever the request names.
      openid: ['sub', 'pid', 'locale', 'acr', 'amr', 'auth_time', 'sid', 'jti'],
      profile: ['given_name', 'family_name', 'locale'],
    },
    conformIdTokenClaims: false,
    acrValues: ACR_VALUES,
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256'],
      introspectionSigningAlgValues: ['RS256'],
      authorizationSigningAlgValues: ['RS256'],
    },
    ttl: { IdToken: 120, AccessToken: 120, AuthorizationCode: 60, Interaction: 600, Session: 7200, Grant: 7200 },
    issueRefreshToken: () => false,
    discovery: {
      ui_locales_supported: ['en', 'nb', 'nn', 'se'],
      display_values_supported: ['page'],
      claim_types_supported: ['normal'],
    },
    extraParams: {
      // ID-porten refuses acr values it does not know.
      acr_values(_ctx: KoaContextWithOIDC, value: string | undefined) {
        const unknown = (value ?? '').split(' ').filter((v) => v && !ACR_VALUES.includes(v));
        if (unknown.length > 0) throw new oidcErrors.InvalidRequest(`unsupported acr_values: ${unknown.join(' ')}`);
      },
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      claimsParameter: { enabled: false },
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/login/${interaction.uid}`,
    },
    // Consent is implicit in ID-porten: every authorization gets a grant for the scopes it asked for.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, id) => {
      const parsed = parseAccountId(id);
      if (!parsed) return undefined;
      const person = byPid.get(parsed.pid);
      return {
        accountId: id,
        async claims(use, scope) {
          const claims: Record<string, unknown> = { sub: id, pid: parsed.pid, locale: parsed.locale };
          // jti: ID-porten's id_tokens carry a short random one (11 characters); userinfo has none.
          if (use === 'id_token') claims.jti = randomBytes(8).toString('base64url');
          if (scope.split(' ').includes('profile') && parsed.eid.providesNames && person) {
            claims.given_name = person.givenName;
            claims.family_name = person.familyName;
          }
          return claims as { sub: string };
        },
      };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.set('content-security-policy', PAGE_CSP);
      ctx.body = simErrorPage(simLang(undefined), `${out.error}: ${out.error_description ?? ''}`);
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  };
  const provider = new Provider(opts.issuer, configuration);
  provider.proxy = false;
  return provider;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(html);
}

/** The login page and its form: the only part of the simulator not served by oidc-provider. */
function loginHandler(provider: Provider, people: Person[]) {
  const finish = (req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>) =>
    provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let details: Awaited<ReturnType<typeof provider.interactionDetails>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendHtml(
        res,
        400,
        simErrorPage('nb', 'This login has expired or was opened in another browser. Start again from the service.'),
      );
    }
    const params = details.params as Record<string, string | undefined>;
    const lang = simLang(params.ui_locales);
    const minimum = requestedMinimum(params.acr_values);
    const eids = EIDS.filter((e) => achievedLevel(e, minimum) !== undefined);
    const client = await provider.Client.find(String(params.client_id));
    const clientName = String(client?.clientName ?? params.client_id);

    // ID-porten TEST's headless login (test only): login_hint=testid:<pid>_<acr> logs in without a page.
    const hint = TESTID_HINT.exec(params.login_hint ?? '');
    if (req.method === 'GET' && hint) {
      const [, pid, acr] = hint as unknown as [string, string, string];
      const check = checkNin(pid);
      if (!check.valid || !REACHABLE_ACRS.includes(acr) || acrRank(acr) < acrRank(minimum)) {
        return finish(req, res, {
          error: 'invalid_request',
          error_description: `login_hint: ${check.valid ? 'level not reachable' : check.reason}`,
        });
      }
      return finish(req, res, { login: { accountId: accountIdOf(pid, 'testid', lang), acr, amr: ['TestID'] } });
    }

    if (req.method === 'GET') {
      return sendHtml(res, 200, loginPage({ lang, uid: details.uid, clientName, eids, people, minimumAcr: minimum }));
    }
    const form = await readForm(req);
    if (form.get('action') === 'cancel') {
      return finish(req, res, { error: 'access_denied', error_description: 'The user cancelled the login.' });
    }
    const values = {
      eid: form.get('eid') ?? undefined,
      person: form.get('person') ?? '',
      pid: (form.get('pid') ?? '').trim(),
      level: form.get('level') ?? undefined,
    };
    const pid = values.pid || values.person;
    const eid = eids.find((e) => e.id === values.eid);
    const again = (error: string) =>
      sendHtml(res, 400, loginPage({ lang, uid: details.uid, clientName, eids, people, minimumAcr: minimum, error, values }));
    const msg = {
      eid: {
        nb: 'Velg en elektronisk ID som gir nivået tjenesten krever.',
        nn: 'Vel ein elektronisk ID som gir nivået tenesta krev.',
        en: 'Choose an electronic ID that gives the level the service requires.',
      },
      pid: {
        nb: 'Velg en testperson eller skriv et fødselsnummer.',
        nn: 'Vel ein testperson eller skriv eit fødselsnummer.',
        en: 'Choose a test person or type a national identity number.',
      },
      invalid: {
        nb: 'Fødselsnummeret er ikke gyldig',
        nn: 'Fødselsnummeret er ikkje gyldig',
        en: 'The national identity number is not valid',
      },
    };
    if (!eid) return again(msg.eid[lang]);
    if (!pid) return again(msg.pid[lang]);
    const check = checkNin(pid);
    if (!check.valid) return again(`${msg.invalid[lang]} (${check.reason}).`);
    const acr = achievedLevel(eid, minimum, values.level)!;
    return finish(req, res, { login: { accountId: accountIdOf(pid, eid.id, lang), acr, amr: [eid.amr] } });
  };
}

/** Starts the simulator on its own HTTP server. With port 0 the issuer is built from the port it got. */
export async function startSimulator(
  opts: Omit<SimulatorOptions, 'issuer'> & { port: number; host?: string; issuer?: string },
): Promise<RunningSimulator> {
  const people = opts.people ?? loadPeople();
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  server.listen(opts.port, opts.host ?? '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const issuer = opts.issuer ?? `http://localhost:${port}`;
  const provider = await createProvider({ ...opts, issuer }, people);
  const oidc = provider.callback();
  const login = loginHandler(provider, people);
  handle = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === SIM_STYLESHEET_PATH) {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
      res.end(SIM_STYLESHEET);
      return;
    }
    if (/^\/login\/[\w-]+$/.test(path) && (req.method === 'GET' || req.method === 'POST')) {
      login(req, res).catch(() => {
        if (!res.headersSent) sendHtml(res, 500, simErrorPage('nb', 'The simulator failed to handle this login.'));
      });
      return;
    }
    oidc(req, res);
  };
  return {
    issuer,
    provider,
    server,
    people,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
