// The simulator: panva's oidc-provider (a certified OpenID Provider) configured, per profile, to behave like
// ID-porten or BankID Norge on the wire — endpoint paths, metadata, acr values, claims and lifetimes — plus
// a login page with synthetic people. Both profiles run on one HTTP server, each at its issuer's path
// (ID-porten at the root, BankID at Keycloak's realm path). It shares no code with the broker; the broker
// reaches it over HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { exportJWK, generateKeyPair, calculateJwkThumbprint } from 'jose';
import Provider, { errors as oidcErrors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { achievedLevel, requestedMinimum, type Eid } from './eids.ts';
import { BANKID } from './bankid.ts';
import { checkNin } from '../nin.ts';
import { SIM_ASSETS, loginPage, simErrorPage, simLang, type SimLang } from './pages.ts';
import { loadPeople, type Person } from './people.ts';
import { ID_PORTEN, type ProfileId, type SimProfile } from './profiles.ts';

export type { ProfileId } from './profiles.ts';

export interface SimulatorClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  jwks?: { keys: Record<string, unknown>[] };
  post_logout_redirect_uris?: string[];
  client_name?: string;
  /** The scopes the client may ask for at the ID-porten profile (at BankID every client may ask for all). */
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
  /** The ID-porten profile's issuer (the server's root). */
  issuer: string;
  /** Every profile's issuer: ID-porten at the root, BankID Norge at /auth/realms/current. */
  issuers: Record<ProfileId, string>;
  provider: Provider;
  server: Server;
  people: Person[];
  close(): Promise<void>;
}

/** The profiles every simulator serves, longest mount path first (the order requests are matched in). */
export const PROFILES: readonly SimProfile[] = [BANKID, ID_PORTEN];

const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' *; frame-ancestors 'none'; base-uri 'none'";

/** Account ids inside the simulator carry the eID and locale used, so claims can depend on them. */
const accountIdOf = (pid: string, eid: string, locale: SimLang) => `${pid}.${eid}.${locale}`;
function parseAccountId(profile: SimProfile, id: string): { pid: string; eid: Eid; locale: SimLang } | undefined {
  const [pid, eidId, locale] = id.split('.');
  const eid = profile.eids.find((e) => e.id === eidId);
  if (!pid || !eid || !locale) return undefined;
  return { pid, eid, locale: locale as SimLang };
}

export async function createProvider(opts: SimulatorOptions, people: Person[], profile: SimProfile = ID_PORTEN): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const signingKey = { ...jwk, alg: 'RS256', use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  const salt = opts.pairwiseSalt ?? randomBytes(16).toString('hex');
  const byPid = new Map(people.map((p) => [p.pid, p]));
  const minimumOf = (acrValues: string | undefined) => requestedMinimum(acrValues, profile.rank, profile.defaultAcr);

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

  const clients = opts.clients.map(({ scope, ...c }) => ({
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
    ...(profile.clientScopeApplies && scope ? { scope } : {}),
  }));
  const configuration: Configuration = {
    clients: clients as Configuration['clients'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    jwks: { keys: [signingKey] },
    routes: profile.routes,
    responseTypes: ['code'],
    scopes: profile.scopes,
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      profile.subject(client.clientId, parseAccountId(profile, accountId)?.pid ?? accountId, salt),
    claims: profile.claims,
    conformIdTokenClaims: false,
    acrValues: profile.acrValues,
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
    discovery: profile.discovery,
    extraParams: {
      // The provider refuses acr values it does not know.
      acr_values(_ctx: KoaContextWithOIDC, value: string | undefined) {
        const unknown = (value ?? '').split(' ').filter((v) => v && !profile.acrValues.includes(v));
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
    cookies: { keys: [randomBytes(32).toString('base64url')], names: profile.cookies },
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
  const finish = (req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>) =>
    provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
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
  oidc: (req: IncomingMessage, res: ServerResponse) => void;
  login: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  loginRoute: RegExp;
}

function route(mounted: readonly Mounted[], req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const path = url.split('?')[0]!;
  const asset = SIM_ASSETS[path];
  if (asset) {
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
    res.end(asset.body);
    return;
  }
  const m = mounted.find(({ profile: { mountPath: p } }) => p === '' || path === p || path.startsWith(`${p}/`));
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  if (m.loginRoute.test(path) && (req.method === 'GET' || req.method === 'POST')) {
    m.login(req, res).catch(() => {
      if (!res.headersSent) sendHtml(res, 500, simErrorPage(m.profile.brand, 'nb', 'The simulator failed to handle this login.'));
    });
    return;
  }
  // oidc-provider under a path: it reads the mount from originalUrl and routes on the rest (as under Express).
  const withMount = req as IncomingMessage & { originalUrl?: string };
  withMount.originalUrl = url;
  req.url = url.slice(m.profile.mountPath.length) || '/';
  m.oidc(req, res);
}

/** Starts the simulator on its own HTTP server. With port 0 the issuers are built from the port it got. */
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
  const root = (opts.issuer ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const mounted: Mounted[] = [];
  let idporten: Provider | undefined;
  for (const profile of PROFILES) {
    const provider = await createProvider({ ...opts, issuer: `${root}${profile.mountPath}` }, people, profile);
    if (profile === ID_PORTEN) idporten = provider;
    const escaped = `${profile.mountPath}${profile.loginPath}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    mounted.push({
      profile,
      oidc: provider.callback(),
      login: loginHandler(provider, profile, people),
      loginRoute: new RegExp(`^${escaped}/[\\w-]+$`),
    });
  }
  handle = (req, res) => route(mounted, req, res);
  if (!idporten) throw new Error('the simulator has no ID-porten profile');
  return {
    issuer: root,
    issuers: { idporten: root, bankid: `${root}${BANKID.mountPath}` },
    provider: idporten,
    server,
    people,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
