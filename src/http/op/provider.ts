// eidgate's OpenID Provider: panva's oidc-provider, configured once here. The protocol (authorization code
// with PKCE, PAR, RFC 9207 iss, client authentication, id_tokens, userinfo, logout) is oidc-provider's; what
// is eidgate's is the storage (./adapter.ts), the clients (domain/oidc-clients.ts), the signing keys (sealed
// in the store, the same in every process) and the login, which is the hosted eID journey (./routes.ts).
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, {
  interactionPolicy,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { AAD, type Sealer, verifySecret } from '../../crypto.ts';
import { CLAIMS_BY_SCOPE, type OidcClients } from '../../domain/oidc-clients.ts';
import type { OidcLogins } from '../../domain/oidc-login.ts';
import type { Store } from '../../store/index.ts';
import { LOCKS } from '../../store/locks.ts';
import { escapeHtml, layout } from '../../pages/render.ts';
import { pageCsp } from '../pages/respond.ts';
import { grantLogins, storeAdapter } from './adapter.ts';

export const OP_MOUNT = '/auth/open';
export const INTERACTION_PATH = `${OP_MOUNT}/interaction`;
const ALGS = ['RS256', 'ES256'] as const;

/** The OP's signing keys: one RS256 and one ES256 key, made by the first process and shared through the store. */
async function signingKeys(store: Store, sealer: Sealer): Promise<JWK[]> {
  for (const alg of ALGS) {
    if ((await store.oidcKeys.list()).some((k) => k.alg === alg)) continue;
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    });
    const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const jwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
    await store.oidcKeys.insertIfNone({ kid, alg, privateJwkEnc: sealer.sealJson(jwk, AAD.oidcKey(kid)) }, LOCKS.oidcKeys);
  }
  const stored = await store.oidcKeys.list();
  return ALGS.map((alg) => stored.find((k) => k.alg === alg)).map((k) => sealer.openJson(k!.privateJwkEnc, AAD.oidcKey(k!.kid)) as JWK);
}

/** The extra client metadata eidgate keeps beside the standard members. */
const EXTRA = {
  account: 'eidgate_account_id',
  pkceRequired: 'eidgate_pkce_required',
  idTokenLifetime: 'eidgate_id_token_lifetime',
} as const;

/** A stored OIDC client as oidc-provider's client metadata (the secret member holds the hash: see compareClientSecret). */
async function clientMetadata(clients: OidcClients, clientId: string): Promise<AdapterPayload | undefined> {
  const c = await clients.find(clientId);
  if (!c) return undefined;
  const s = c.settings;
  const metadata: ClientMetadata = {
    client_id: c.clientId,
    client_name: c.name,
    redirect_uris: s.redirectUris,
    post_logout_redirect_uris: s.postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: s.authMethod,
    id_token_signed_response_alg: s.idTokenAlg,
    [EXTRA.account]: c.accountId,
    [EXTRA.pkceRequired]: s.pkceRequired,
    [EXTRA.idTokenLifetime]: s.idTokenLifetime,
  };
  if (s.authMethod === 'private_key_jwt') {
    if (s.jwks) metadata.jwks = s.jwks as ClientMetadata['jwks'];
    if (s.jwksUri) metadata.jwks_uri = s.jwksUri;
  } else if (c.secretHash) {
    metadata.client_secret = c.secretHash;
  }
  return metadata;
}

/** The client's account (the OP's view of a client always has it: clientMetadata sets it). */
export const accountOfClient = (client: { [key: string]: unknown }): string => String(client[EXTRA.account]);

/**
 * Every authorization request logs the person in with an eID: no single sign-on across requests, so a
 * client never receives a login made for another client, account, provider or level.
 */
function everyRequestLogsIn() {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy
    .get('login')
    ?.checks.add(
      new Check('eidgate_login', 'every authorization request logs in with an eID', (ctx) =>
        ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );
  return policy;
}

export interface OpDeps {
  issuer: string;
  store: Store;
  sealer: Sealer;
  clients: OidcClients;
  logins: OidcLogins;
}

function htmlPage(ctx: KoaContextWithOIDC, status: number, title: string, body: string, formTargets: string[] = []): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('cache-control', 'no-store');
  ctx.set('content-security-policy', pageCsp({ formTargets }));
  ctx.body = layout('en', title, body);
}

const GRANT_TTL = 3600;
/** The eID session of the login that just ended its interaction (routes.ts puts it in the interaction result). */
const resultSession = (ctx: KoaContextWithOIDC): string | undefined => {
  const v = (ctx.oidc.result as { eidgate_session?: unknown } | undefined)?.eidgate_session;
  return typeof v === 'string' ? v : undefined;
};

export async function createOpenIdProvider(deps: OpDeps): Promise<{ provider: Provider; publicJwks: JWK[] }> {
  const keys = await signingKeys(deps.store, deps.sealer);
  // Cookie signing keys: derived from the store's key, so every process of a deployment signs alike.
  const cookieKey = deps.sealer.pseudonym('oidc-provider cookie key');
  const adapterDeps = { store: deps.store, sealer: deps.sealer, clientMetadata: (id: string) => clientMetadata(deps.clients, id) };
  const logins = grantLogins(adapterDeps);
  const configuration: Configuration = {
    adapter: storeAdapter(adapterDeps),
    jwks: { keys: keys as NonNullable<Configuration['jwks']>['keys'] },
    // Names of our own: another oidc-provider on the same host (the simulator in development) uses the defaults.
    cookies: { keys: [cookieKey], names: { session: 'eidgate_op', interaction: 'eidgate_op_interaction', resume: 'eidgate_op_resume' } },
    claims: { openid: ['sub'], ...CLAIMS_BY_SCOPE } as unknown as Configuration['claims'],
    // The identity claims go in the id_token too (Signicat's "All"), not only to userinfo: most RPs read the id_token.
    conformIdTokenClaims: false,
    scopes: ['openid', 'signicat-api'],
    acrValues: ['low', 'substantial', 'high'],
    subjectTypes: ['public', 'pairwise'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: {
      idTokenSigningAlgValues: [...ALGS],
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      userinfoSigningAlgValues: [...ALGS],
      introspectionSigningAlgValues: [...ALGS],
    },
    extraParams: ['loa'],
    extraClientMetadata: { properties: Object.values(EXTRA) },
    pkce: { required: (_ctx, client) => client[EXTRA.pkceRequired] !== false },
    features: {
      devInteractions: { enabled: false },
      // Never reached here (the broker's own token endpoint answers client_credentials); on so that
      // discovery keeps advertising the API's grant.
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // oidc-provider's form (a hidden xsrf field) with a visible choice instead of its inline script.
          const confirm = form.replace(/<\/form>\s*$/, '<button type="submit" name="logout" value="yes">Log out</button></form>');
          const target = ctx.oidc.params?.post_logout_redirect_uri;
          const targets = typeof target === 'string' ? [new URL(target).origin] : [];
          htmlPage(ctx, 200, 'Log out', `<p>Do you want to log out of eidgate?</p>\n${confirm}`, targets);
        },
        postLogoutSuccessSource: async (ctx) => {
          htmlPage(ctx, 200, 'Logged out', '<p>You are logged out.</p>');
        },
      },
    },
    routes: {
      authorization: '/connect/authorize',
      token: '/connect/token',
      userinfo: '/connect/userinfo',
      pushed_authorization_request: '/connect/par',
      end_session: '/connect/endsession',
      revocation: '/connect/revocation',
      introspection: '/connect/introspect',
      jwks: '/.well-known/openid-configuration/jwks',
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: (_ctx, _token, client) => Number(client[EXTRA.idTokenLifetime] ?? 600),
      Interaction: 1800,
      Session: 3600,
      Grant: GRANT_TTL,
      PushedAuthorizationRequest: 60,
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`, policy: everyRequestLogsIn() },
    // The account id is the person's subject for the client (login.ts subjectFor); the claims come from the
    // eID session the grant was made from, and must name the same subject.
    findAccount: async (ctx, id, token) => {
      const client = ctx.oidc.client;
      if (!client) return undefined;
      const sessionId = token?.grantId ? await logins.sessionOf(token.grantId) : resultSession(ctx);
      if (!sessionId) return token ? undefined : { accountId: id, claims: async () => ({ sub: id }) };
      const record = await deps.clients.find(client.clientId);
      const login = record && (await deps.logins.identity(sessionId, record.accountId));
      if (!record || !login) return undefined;
      const claims = deps.logins.claimsFor(login, record);
      return claims.sub === id ? { accountId: id, claims: async () => claims } : undefined;
    },
    // Consent is the relying party's business (Signicat's default): a grant for the scopes asked for, made
    // only right after an eID login (every authorization request has one), linked to its session.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      const sessionId = resultSession(ctx);
      if (!client || !session?.accountId || !sessionId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const scopes = [...(ctx.oidc.requestParamScopes ?? [])].filter((s) => s === 'openid' || s in CLAIMS_BY_SCOPE);
      grant.addOIDCScope(scopes.join(' '));
      const grantId = await grant.save();
      await logins.save(grantId, sessionId, GRANT_TTL);
      return grant;
    },
    renderError: async (ctx, out) => {
      // An error oidc-provider cannot send back to a client (unknown client, unregistered redirect_uri): a
      // page for the person, never a redirect.
      const message = typeof out.error_description === 'string' ? out.error_description : 'The request could not be processed.';
      htmlPage(
        ctx,
        ctx.status >= 400 ? ctx.status : 400,
        'The login could not start',
        `<p>The service that sent you here made a request eidgate cannot accept.</p>\n<p><code>${escapeHtml(String(out.error))}</code>: ${escapeHtml(message)}</p>`,
      );
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  // The HTTP edge sets the forwarded headers itself (http/op/routes.ts publicAddress).
  provider.proxy = true;
  // Secrets are stored hashed (domain/oidc-clients.ts): compare the presented secret with the hash.
  provider.Client.prototype.compareClientSecret = function compare(this: { clientSecret?: string }, actual: string) {
    return Promise.resolve(typeof this.clientSecret === 'string' && verifySecret(actual, this.clientSecret));
  };
  const publicJwks = keys.map(
    ({ kty, kid, alg, use, n, e, crv, x, y }) => JSON.parse(JSON.stringify({ kty, kid, alg, use, n, e, crv, x, y })) as JWK,
  );
  return { provider, publicJwks };
}
