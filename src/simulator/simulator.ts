// The simulator: panva's oidc-provider (a certified OpenID Provider) configured, per profile, to behave like
// ID-porten or BankID Norge on the wire — endpoint paths, metadata, acr values, claims and lifetimes — plus
// a login page with synthetic people. Both profiles run on one HTTP server, each at its issuer's path
// (ID-porten at the root, BankID at Keycloak's realm path). It shares no code with the broker; the broker
// reaches it over HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import Provider, { errors as oidcErrors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { achievedLevel, requestedMinimum, type Eid } from './eids.ts';
import { BANKID } from './bankid.ts';
import { checkNin } from './nin.ts';
import { SIM_ASSETS, loginPage, simErrorPage, simLang, type SimLang } from './pages.ts';
import { loadPeople, type Person } from './people.ts';
import { ID_PORTEN, type ProfileId, type SimProfile } from './profiles.ts';
import { SimulatorState } from './state.ts';
import { PAGE_CSP, readBody, replay, sendHtml, sendJson } from './http.ts';
import { presentedAuth, refusal, type AuthMethod } from './enforce.ts';
import { Conformance, conformancePage } from './conformance.ts';
import { logoutHandler } from './logout.ts';
import { IDPORTEN_PAR_URN, OIDC_PAR_URN, shapeResponses, unwrapAccessToken } from './tokens.ts';
import { HEADLESS_HEADER, HEADLESS_TOKEN, isHeadlessHint, loginHintOf, runHeadless } from './headless.ts';
import { FIDELITY_PATH, fidelityLedger } from './fidelity.ts';

export type { ProfileId } from './profiles.ts';

export interface SimulatorClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: AuthMethod;
  jwks?: { keys: Record<string, unknown>[] };
  post_logout_redirect_uris?: string[];
  client_name?: string;
  /**
   * The scopes the client may ask for at the ID-porten profile (at BankID every client may ask for all).
   * `idporten:token.introspection` lets it introspect tokens, as at ID-porten.
   */
  scope?: string;
  /** `refresh_token` beside `authorization_code` gives the client refresh tokens, as at ID-porten. */
  grant_types?: string[];
  /** `none`: the client is downgraded from PKCE, as Digdir's self-service allows (S256 otherwise). */
  code_challenge_method?: 'S256' | 'none';
  frontchannel_logout_uri?: string;
  frontchannel_logout_session_required?: boolean;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
}

/** Client metadata the simulator honours; anything else is refused rather than silently ignored. */
const CLIENT_FIELDS = new Set<string>([
  'client_id',
  'client_secret',
  'redirect_uris',
  'token_endpoint_auth_method',
  'jwks',
  'post_logout_redirect_uris',
  'client_name',
  'scope',
  'grant_types',
  'code_challenge_method',
  'frontchannel_logout_uri',
  'frontchannel_logout_session_required',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
]);

export const INTROSPECTION_SCOPE = 'idporten:token.introspection';

export function checkClients(clients: SimulatorClient[]): void {
  for (const c of clients) {
    const unknown = Object.keys(c).filter((k) => !CLIENT_FIELDS.has(k));
    if (unknown.length > 0) {
      throw new Error(`client ${c.client_id}: the simulator does not support ${unknown.join(', ')} (it would silently ignore it)`);
    }
    for (const g of c.grant_types ?? []) {
      if (g !== 'authorization_code' && g !== 'refresh_token') throw new Error(`client ${c.client_id}: grant type ${g} is not supported`);
    }
    if (c.code_challenge_method && c.code_challenge_method !== 'S256' && c.code_challenge_method !== 'none') {
      throw new Error(`client ${c.client_id}: code_challenge_method must be S256 or none`);
    }
  }
}

export interface SimulatorOptions {
  issuer: string;
  clients: SimulatorClient[];
  people?: Person[];
  /** Salt for pairwise subjects; by default derived from the state's seed (stable when the state is persisted). */
  pairwiseSalt?: string;
  /** The browser-facing origin of /authorize, /logout and the pages ("login.test.idporten.no"); default: the issuer's. */
  loginUrl?: string;
  /** oidc-provider's defaults instead of ID-porten's stricter rules (see docs/simulator-fidelity.md). */
  lenient?: boolean;
  /** Seed, keys and stored state; in memory when not given. */
  state?: SimulatorState;
}

export interface RunningSimulator {
  /** The ID-porten profile's issuer (the server's root). */
  issuer: string;
  /** The browser-facing origin (authorize, logout, pages). */
  loginUrl: string;
  /** Every profile's issuer: ID-porten at the root, BankID Norge at /auth/realms/current. */
  issuers: Record<ProfileId, string>;
  provider: Provider;
  server: Server;
  people: Person[];
  state: SimulatorState;
  /** Rotates the signing key: the published next key signs from now on, the old one stays in the JWKS. */
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

/** The profiles every simulator serves, longest mount path first (the order requests are matched in). */
export const PROFILES: readonly SimProfile[] = [BANKID, ID_PORTEN];

/** Seconds an ID-porten SSO session lives from now: 30 minutes idle, never past 120 minutes from the login. */
export function ssoSessionTtl(loginTs: number | undefined, now = Math.floor(Date.now() / 1000)): number {
  const left = 7200 - (now - (loginTs ?? now));
  return Math.max(1, Math.min(1800, left));
}

/** Account ids inside the simulator carry the eID and locale used, so claims can depend on them. */
const accountIdOf = (pid: string, eid: string, locale: SimLang) => `${pid}.${eid}.${locale}`;
function parseAccountId(profile: SimProfile, id: string): { pid: string; eid: Eid; locale: SimLang } | undefined {
  const [pid, eidId, locale] = id.split('.');
  const eid = profile.eids.find((e) => e.id === eidId);
  if (!pid || !eid || !locale) return undefined;
  return { pid, eid, locale: locale as SimLang };
}

interface ProviderEnv {
  state: SimulatorState;
  conformance?: Conformance;
  /** ID-porten's rules enforced (not lenient, and the ID-porten profile). */
  strict: boolean;
  loginOrigin: string;
}

export async function createProvider(
  opts: SimulatorOptions,
  people: Person[],
  profile: SimProfile = ID_PORTEN,
  env?: ProviderEnv,
): Promise<Provider> {
  const state = env?.state ?? opts.state ?? (await SimulatorState.open());
  const strict = env?.strict ?? (!opts.lenient && profile.id === 'idporten');
  const salt = opts.pairwiseSalt ?? state.derive(`pairwise|${profile.id}`);
  const byPid = new Map(people.map((p) => [p.pid, p]));
  const minimumOf = (acrValues: string | undefined) => requestedMinimum(acrValues, profile.rank, profile.defaultAcr);
  const rawClients = new Map(opts.clients.map((c) => [c.client_id, c]));

  const policy = interactionPolicy.base();
  // The provider authenticates again when the SSO session's level is below the one requested.
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('acr_too_low', 'the session does not meet the requested level', (ctx: KoaContextWithOIDC) => {
      const minimum = minimumOf(ctx.oidc.params?.acr_values as string | undefined);
      const sessionAcr = ctx.oidc.session?.acr;
      return profile.rank(sessionAcr) < profile.rank(minimum)
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );

  const clients = opts.clients.map(({ scope, backchannel_logout_session_required: _b, grant_types, ...c }) => {
    const scopes = (scope ?? '').split(' ').filter((s) => profile.scopes.includes(s));
    return {
      token_endpoint_auth_method: 'client_secret_basic',
      ...c,
      grant_types: grant_types ?? ['authorization_code'],
      // oidc-provider puts sid in the id_token and the logout token only with this; ID-porten always does for these clients.
      ...(c.backchannel_logout_uri ? { backchannel_logout_session_required: true } : {}),
      ...(profile.clientScopeApplies && scope ? { scope: scopes.join(' ') } : {}),
    };
  });
  const keys = state.keys.map((k) => k.jwk);
  const configuration: Configuration = {
    clients: clients as Configuration['clients'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    extraClientMetadata: {
      properties: ['code_challenge_method', 'frontchannel_logout_uri', 'frontchannel_logout_session_required'],
    },
    adapter: state.store.adapterFor(profile.id),
    jwks: { keys: keys as never },
    routes: profile.routes,
    responseTypes: ['code'],
    scopes: profile.scopes,
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      profile.subject(client.clientId, parseAccountId(profile, accountId)?.pid ?? accountId, salt),
    claims: profile.claims,
    conformIdTokenClaims: false,
    acrValues: profile.acrValues,
    // PKCE for every client, except one downgraded to code_challenge_method none (Digdir's self-service).
    pkce: { required: (_ctx, client) => client.metadata().code_challenge_method !== 'none' },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      clientAuthSigningAlgValues: strict ? ['RS256'] : ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256'],
      introspectionSigningAlgValues: ['RS256'],
      authorizationSigningAlgValues: ['RS256'],
    },
    ttl: {
      IdToken: 120,
      AccessToken: 120,
      AuthorizationCode: 60,
      Interaction: 600,
      // ID-porten's SSO: 30 minutes idle, at most 120 minutes from the login (oidc-provider re-saves the
      // session with this ttl on every request that uses it, so the idle window slides up to the cap).
      Session: profile.id === 'idporten' ? (_ctx, session) => ssoSessionTtl(session.loginTs) : 7200,
      Grant: 7200,
      RefreshToken: 600,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // The level and eID of the login travel with the access token (ID-porten's JWT access tokens carry them).
    extraTokenClaims: async (ctx, token) => {
      if (token.kind !== 'AccessToken') return undefined;
      const source = (ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken) as
        | { acr?: string; amr?: string[] }
        | undefined;
      const parsed = token.accountId ? parseAccountId(profile, token.accountId) : undefined;
      if (!parsed) return undefined;
      return { pid: parsed.pid, acr: source?.acr, amr: source?.amr };
    },
    discovery: profile.discovery,
    extraParams: {
      // The provider refuses acr values it does not know; strict, it also wants state and nonce (ID-porten's rules).
      acr_values(ctx: KoaContextWithOIDC, value: string | undefined) {
        const unknown = (value ?? '').split(' ').filter((v) => v && !profile.acrValues.includes(v));
        if (unknown.length > 0) throw new oidcErrors.InvalidRequest(`unsupported acr_values: ${unknown.join(' ')}`);
        if (strict) {
          if (!ctx.oidc.params?.state) throw new oidcErrors.InvalidRequest('state is required');
          if (!ctx.oidc.params?.nonce) throw new oidcErrors.InvalidRequest('nonce is required');
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // ID-porten: only clients granted the introspection scope may introspect.
        allowedPolicy: async (_ctx, client) =>
          !strict || (rawClients.get(client.clientId)?.scope ?? '').split(' ').includes(INTROSPECTION_SCOPE),
      },
      claimsParameter: { enabled: false },
    },
    // Back-channel logout: one attempt with ID-porten's 5 s budget, and to any host — relying parties under
    // test run on localhost, which oidc-provider's SSRF guard (meant for the public internet) refuses.
    fetch: (url, init) => fetch(url, { ...init, dispatcher: undefined, signal: AbortSignal.timeout(5000) } as RequestInit),
    interactions: {
      policy,
      url: (_ctx, interaction) => `${profile.mountPath}${profile.loginPath}/${interaction.uid}`,
    },
    // Consent is implicit: every authorization gets a grant for the scopes it asked for.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    findAccount: async (ctx, id, token) => {
      const parsed = parseAccountId(profile, id);
      if (!parsed) return undefined;
      const person = byPid.get(parsed.pid);
      // The SSO session the login belongs to: from the code or token at the token and userinfo endpoints.
      const session = (token && 'sessionUid' in token ? token.sessionUid : undefined) ?? ctx.oidc.session?.uid;
      return {
        accountId: id,
        async claims(use, scope) {
          const claims = profile.claimsOf({ ...parsed, person, scope: scope.split(' '), use, session });
          return { ...claims, sub: id };
        },
      };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.set('content-security-policy', PAGE_CSP);
      ctx.body = simErrorPage(profile.brand, simLang(undefined), `${out.error}: ${out.error_description ?? ''}`);
    },
    cookies: { keys: [state.derive(`cookies|${profile.id}`)], names: profile.cookies },
  };
  const provider = new Provider(opts.issuer, configuration);
  // Endpoint URLs come from the configured origins, never from the request's Host (the router sets the
  // forwarded headers from configuration and drops the caller's).
  provider.proxy = true;
  const loginOrigin = env?.loginOrigin ?? new URL(opts.issuer).origin;
  const subjectOf = (clientId: string, accountId: string) =>
    profile.subject(clientId, parseAccountId(profile, accountId)?.pid ?? accountId, salt);
  provider.use(shapeResponses(provider, profile, state, { strict, loginOrigin, subjectOf, conformance: env?.conformance }) as never);
  if (profile.id === 'idporten') {
    const logout = logoutHandler(provider, profile);
    provider.use(async (ctx, next) => {
      if (ctx.path === profile.routes.end_session && (ctx.method === 'GET' || ctx.method === 'POST'))
        return logout(ctx as KoaContextWithOIDC);
      return next();
    });
  }
  return provider;
}

/** The eIDs the login page offers: those reaching the level, only the hinted one when login_hint names one. */
function offeredEids(profile: SimProfile, minimum: string, eidHint: string | undefined): Eid[] {
  const reach = profile.eids.filter((e) => achievedLevel(e, minimum, undefined, profile.rank) !== undefined);
  const hinted = eidHint ? reach.find((e) => e.hint === eidHint) : undefined;
  return hinted ? [hinted] : reach.filter((e) => !e.hintOnly);
}

const MSG = {
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

/** The login page and its form: the only part of the simulator not served by oidc-provider. */
function loginHandler(provider: Provider, profile: SimProfile, people: Person[]) {
  // interactionFinished answers 303; ID-porten's profile answers 302 like the real service (BankID keeps 303).
  const finish = async (req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>) => {
    const location = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
    res.writeHead(profile.id === 'idporten' ? 302 : 303, { location, 'cache-control': 'no-store' });
    res.end();
  };
  const brand = profile.brand;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let details: Awaited<ReturnType<typeof provider.interactionDetails>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendHtml(
        res,
        400,
        simErrorPage(brand, 'nb', 'This login has expired or was opened in another browser. Start again from the service.'),
      );
    }
    const params = details.params as Record<string, string | undefined>;
    const lang = simLang(params.ui_locales);
    const minimum = requestedMinimum(params.acr_values, profile.rank, profile.defaultAcr);
    const client = await provider.Client.find(String(params.client_id));
    const clientName = String(client?.clientName ?? params.client_id);
    const hint = profile.readHint(params.login_hint, minimum);

    if (req.method === 'GET' && hint.kind === 'refuse') {
      return finish(req, res, { error: 'invalid_request', error_description: hint.description });
    }
    if (req.method === 'GET' && hint.kind === 'headless') {
      return finish(req, res, { login: { accountId: accountIdOf(hint.pid, hint.eid.id, lang), acr: hint.acr, amr: hint.eid.amr } });
    }
    const eids = offeredEids(profile, minimum, hint.kind === 'page' ? hint.eidHint : undefined);
    const action = `${profile.mountPath}${profile.loginPath}/${details.uid}`;
    const page = { brand, action, lang, clientName, eids, people, minimumAcr: minimum };
    if (req.method === 'GET') {
      return sendHtml(res, 200, loginPage({ ...page, values: { pid: hint.kind === 'page' ? hint.pid : undefined } }));
    }
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
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
    const again = (error: string) => sendHtml(res, 400, loginPage({ ...page, error, values }));
    if (!eid) return again(MSG.eid[lang]);
    if (!pid) return again(MSG.pid[lang]);
    const check = checkNin(pid);
    if (!check.valid) return again(`${MSG.invalid[lang]} (${check.reason}).`);
    const acr = achievedLevel(eid, minimum, values.level, profile.rank)!;
    return finish(req, res, { login: { accountId: accountIdOf(pid, eid.id, lang), acr, amr: eid.amr } });
  };
}

/** One profile mounted on the server: its provider's handler and its login page. */
interface Mounted {
  profile: SimProfile;
  provider: Provider;
  oidc: (req: IncomingMessage, res: ServerResponse) => void;
  login: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  loginRoute: RegExp;
  strict: boolean;
  /** The origin pages and /authorize are served from, and the back-channel (issuer) origin. */
  browserOrigin: URL;
  backOrigin: URL;
  registeredAuth: (clientId: string) => AuthMethod | undefined;
}

interface Router {
  mounted: Mounted[];
  self: string;
  state: SimulatorState;
  conformance: Conformance;
  /** Clients downgraded from PKCE (code_challenge_method none). */
  downgraded: (clientId: string) => boolean;
  rotate(): Promise<void>;
}

const ROTATE_PATH = '/simulator/rotate-keys';
const EXPIRE_PATH = '/simulator/expire-sessions';
const CONFORMANCE_PATH = /^\/simulator\/conformance\/([^/]+)(\/break-next-id-token)?$/;

function isBrowserPath(m: Mounted, path: string): boolean {
  const r = m.profile.routes;
  const p = path.slice(m.profile.mountPath.length) || '/';
  return (
    p === r.authorization ||
    p.startsWith(`${r.authorization}/`) ||
    p === r.end_session ||
    p.startsWith(`${r.end_session}/`) ||
    m.loginRoute.test(path)
  );
}

function clientEndpoint(m: Mounted, path: string): 'token' | 'par' | 'introspection' | 'revocation' | undefined {
  const r = m.profile.routes;
  const p = path.slice(m.profile.mountPath.length);
  if (p === r.token) return 'token';
  if (p === r.pushed_authorization_request) return 'par';
  if (p === r.introspection) return 'introspection';
  if (p === r.revocation) return 'revocation';
  return undefined;
}

const oauthError = (res: ServerResponse, status: number, error: string, error_description: string) =>
  sendJson(res, status, { error, error_description }, status === 401 ? { 'www-authenticate': `Basic realm="simulator"` } : {});

async function route(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const path = rawUrl.split('?')[0]!;
  const asset = SIM_ASSETS[path];
  if (asset) {
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
    res.end(asset.body);
    return;
  }
  if (path === FIDELITY_PATH && req.method === 'GET') return sendJson(res, 200, fidelityLedger());
  if (path === EXPIRE_PATH && req.method === 'POST') {
    // As if every SSO session had timed out: gone, with no logout sent to anyone (as at ID-porten).
    return sendJson(res, 200, { expired: router.state.store.destroyAll('idporten.Session') });
  }
  if (path === ROTATE_PATH && req.method === 'POST') {
    await router.rotate();
    return sendJson(res, 200, { keys: router.state.keys.map((k) => k.jwk.kid) });
  }
  const conf = CONFORMANCE_PATH.exec(path);
  if (conf) {
    const clientId = decodeURIComponent(conf[1]!);
    if (!router.mounted[0]!.registeredAuth(clientId))
      return sendJson(res, 404, { error: 'not_found', error_description: 'no such client' });
    if (conf[2] && req.method === 'POST') {
      router.conformance.arm(clientId);
      return sendJson(res, 200, router.conformance.report(clientId));
    }
    if (!conf[2] && req.method === 'GET') {
      const q = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '');
      const report = router.conformance.report(clientId);
      if (q.get('format') === 'html')
        return sendHtml(res, 200, conformancePage(ID_PORTEN.brand, q.get('lang') === 'en' ? 'en' : 'nb', report));
      return sendJson(res, 200, report);
    }
  }
  const m = router.mounted.find(({ profile: { mountPath: p } }) => p === '' || path === p || path.startsWith(`${p}/`));
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  // Endpoint URLs from configuration, never from the caller's Host or forwarded headers.
  const origin = isBrowserPath(m, path) ? m.browserOrigin : m.backOrigin;
  req.headers['x-forwarded-host'] = origin.host;
  req.headers['x-forwarded-proto'] = origin.protocol.slice(0, -1);
  delete req.headers['x-forwarded-for'];

  if (m.loginRoute.test(path) && (req.method === 'GET' || req.method === 'POST')) {
    m.login(req, res).catch(() => {
      if (!res.headersSent) sendHtml(res, 500, simErrorPage(m.profile.brand, 'nb', 'The simulator failed to handle this login.'));
    });
    return;
  }
  const sub = path.slice(m.profile.mountPath.length);
  let url = rawUrl;
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const requestUri = query.get('request_uri');
  if (m.profile.id === 'idporten' && sub === m.profile.routes.authorization && requestUri?.startsWith(IDPORTEN_PAR_URN)) {
    query.set('request_uri', `${OIDC_PAR_URN}${requestUri.slice(IDPORTEN_PAR_URN.length)}`);
    url = `${path}?${query}`;
    req.url = url;
  }
  if (m.profile.id === 'idporten' && req.method === 'GET' && sub === m.profile.routes.authorization) {
    if (m.strict && query.has('request_uri')) {
      const repeated = [...new Set(query.keys())].filter((k) => k !== 'client_id' && k !== 'request_uri');
      if (repeated.length > 0) {
        return sendHtml(
          res,
          400,
          simErrorPage(
            m.profile.brand,
            'nb',
            `invalid_request: with request_uri only client_id may accompany it (got ${repeated.join(', ')})`,
          ),
        );
      }
    }
    const internal = req.headers[HEADLESS_HEADER] === HEADLESS_TOKEN;
    delete req.headers[HEADLESS_HEADER];
    if (!internal && !query.has('request_uri')) router.conformance.inspectAuthorization(query, router.downgraded);
    if (!internal && isHeadlessHint(await loginHintOf(m.provider, query))) {
      const location = await runHeadless(router.self, m.browserOrigin.origin, url);
      if (location) {
        const clear = Object.values(m.profile.cookies).flatMap((name) => [
          `${name}=; path=/; max-age=0; httponly; samesite=lax`,
          `${name}.sig=; path=/; max-age=0; httponly; samesite=lax`,
        ]);
        res.writeHead(302, { location, 'set-cookie': clear, 'cache-control': 'no-store' });
        res.end();
        return;
      }
    }
  }
  let forward: IncomingMessage = req;
  const endpoint = clientEndpoint(m, path);
  if (endpoint && req.method === 'POST') {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return oauthError(res, 400, 'invalid_request', 'the request body is too large');
    }
    const form = new URLSearchParams(body.toString('utf8'));
    if (m.profile.id === 'idporten') {
      router.conformance.inspectClientRequest(
        endpoint,
        form,
        req.headers.authorization,
        m.registeredAuth,
        m.provider.issuer,
        `${m.provider.issuer}${m.profile.routes.token}`,
      );
      if (endpoint === 'par') {
        const params = new URLSearchParams(form);
        params.set('client_id', presentedAuth(form, req.headers.authorization).clientId ?? '');
        router.conformance.inspectAuthorization(params, router.downgraded);
      }
    }
    if (m.strict) {
      const refused = refusal(endpoint, form, req.headers.authorization, m.registeredAuth);
      if (refused) return oauthError(res, refused.status, refused.error, refused.error_description);
    }
    const token = form.get('token');
    if ((endpoint === 'introspection' || endpoint === 'revocation') && token) {
      form.set('token', await unwrapAccessToken(router.state, m.provider.issuer, token));
      body = Buffer.from(form.toString());
    }
    forward = replay(req, body);
  }
  const auth = req.headers.authorization;
  if (sub === m.profile.routes.userinfo && auth?.startsWith('Bearer ')) {
    const opaque = await unwrapAccessToken(router.state, m.provider.issuer, auth.slice(7).trim());
    if (m.profile.id === 'idporten') router.conformance.used(opaque);
    req.headers.authorization = `Bearer ${opaque}`;
  }
  // oidc-provider under a path: it reads the mount from originalUrl and routes on the rest (as under Express).
  const withMount = forward as IncomingMessage & { originalUrl?: string };
  withMount.originalUrl = url;
  forward.url = url.slice(m.profile.mountPath.length) || '/';
  m.oidc(forward, res);
}

export interface StartOptions extends Omit<SimulatorOptions, 'issuer' | 'state'> {
  port: number;
  host?: string;
  issuer?: string;
  /** Where seed, keys and oidc-provider's state persist (SIMULATOR_DATA_DIR); in memory when not given. */
  dataDir?: string;
  /** A seed for the pairwise salt and cookie keys (SIMULATOR_SEED), instead of the data dir's random one. */
  seed?: string;
  state?: SimulatorState;
}

/** Starts the simulator on its own HTTP server. With port 0 the issuers are built from the port it got. */
export async function startSimulator(opts: StartOptions): Promise<RunningSimulator> {
  checkClients(opts.clients);
  const people = opts.people ?? loadPeople();
  const state = opts.state ?? (await SimulatorState.open({ dir: opts.dataDir, seed: opts.seed }));
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  server.listen(opts.port, opts.host ?? '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const boundHost = typeof addr === 'object' && addr && addr.address !== '0.0.0.0' && addr.address !== '::' ? addr.address : '127.0.0.1';
  const root = (opts.issuer ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const loginUrl = (opts.loginUrl ?? new URL(root).origin).replace(/\/+$/, '');
  const registered = new Map(opts.clients.map((c) => [c.client_id, c.token_endpoint_auth_method ?? 'client_secret_basic']));
  const downgradedClients = new Set(opts.clients.filter((c) => c.code_challenge_method === 'none').map((c) => c.client_id));
  const conformance = new Conformance();

  const mount = async (): Promise<{ mounted: Mounted[]; idporten: Provider }> => {
    const mounted: Mounted[] = [];
    let idporten: Provider | undefined;
    for (const profile of PROFILES) {
      const strict = !opts.lenient && profile.id === 'idporten';
      const issuer = `${root}${profile.mountPath}`;
      const browserOrigin = new URL(profile.id === 'idporten' ? loginUrl : root);
      const provider = await createProvider({ ...opts, issuer, state }, people, profile, {
        state,
        conformance: profile.id === 'idporten' ? conformance : undefined,
        strict,
        loginOrigin: browserOrigin.origin,
      });
      if (profile === ID_PORTEN) idporten = provider;
      const escaped = `${profile.mountPath}${profile.loginPath}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      mounted.push({
        profile,
        provider,
        oidc: provider.callback(),
        login: loginHandler(provider, profile, people),
        loginRoute: new RegExp(`^${escaped}/[\\w-]+$`),
        strict,
        browserOrigin,
        backOrigin: new URL(root),
        registeredAuth: (id) => registered.get(id),
      });
    }
    if (!idporten) throw new Error('the simulator has no ID-porten profile');
    return { mounted, idporten };
  };

  let current = await mount();
  const router: Router = {
    get mounted() {
      return current.mounted;
    },
    self: `http://${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${port}`,
    state,
    conformance,
    downgraded: (id) => downgradedClients.has(id),
    async rotate() {
      await state.rotate();
      current = await mount();
      sim.provider = current.idporten;
    },
  };
  handle = (req, res) => {
    route(router, req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'the simulator failed' });
      else res.end();
    });
  };
  const sim: RunningSimulator = {
    issuer: root,
    loginUrl,
    issuers: { idporten: root, bankid: `${root}${BANKID.mountPath}` },
    provider: current.idporten,
    server,
    people,
    state,
    rotateKeys: () => router.rotate(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sim;
}
