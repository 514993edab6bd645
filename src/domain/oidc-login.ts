// A login at the OpenID Provider is a session of the REST domain: the OP's interaction creates one (the
// providers from acr_values=idp:<id>, the level from acr_values or loa, as Signicat reads them), the person
// goes through the same hosted journey, and the session's outcome ends the interaction. So the eID part
// has one implementation whichever interface a service uses. Knows nothing of HTTP or of oidc-provider.
import { OIDC_CLIENT_TAG_PREFIX } from '../model/session-constants.ts';
import type { Sealer } from '../crypto.ts';
import { isAppError } from '../errors/index.ts';
import type { AttributeName, IdentityAttributes } from '../model/attributes.ts';
import { LOA_ORDER, LOAS, type Loa } from '../model/session-constants.ts';
import type { SessionRequest } from '../model/session.ts';
import { isValidNin } from '../nin.ts';
import type { OidcClientRecord, SessionRecord } from '../store/index.ts';
import { DELIVERABLE_ATTRIBUTES } from './providers/registry.ts';
import { type SealedIdentity, type Sessions, urlSafe } from './sessions/sessions.ts';

/** What the relying party asked for, as far as the login is concerned (oidc-provider's parsed parameters). */
export interface LoginParams {
  acr_values?: string | undefined;
  loa?: string | undefined;
  ui_locales?: string | undefined;
  login_hint?: string | undefined;
}

/** An OAuth error for the relying party (RFC 6749 §4.1.2.1). */
export interface LoginRefusal {
  kind: 'refused';
  error: 'invalid_request' | 'access_denied' | 'server_error';
  description: string;
}

export type LoginStart = { kind: 'journey'; url: string; sessionId: string } | LoginRefusal;
export type LoginEnd =
  | { kind: 'login'; subject: string; sessionId: string; acr: string; amr: string[] }
  | LoginRefusal
  | { kind: 'open' }
  | { kind: 'not_found' };

/** A finished, successful login as findAccount sees it. */
export interface VerifiedLogin {
  session: SessionRecord;
  identity: SealedIdentity;
}

/** The OIDC claim each identity attribute becomes (Signicat's OIDC names); extras are the attribute in snake case. */
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const CLAIM_OF_ATTRIBUTE: Partial<Record<AttributeName, string>> = {
  name: 'name',
  firstName: 'given_name',
  lastName: 'family_name',
  dateOfBirth: 'birthdate',
  idpId: 'idp_id',
};
const claimOf = (a: AttributeName): string => CLAIM_OF_ATTRIBUTE[a] ?? (a === 'nin' ? 'nin' : snake(a));

/** The identity attributes a client's claims allow-list needs from the provider. */
function attributesFor(claims: readonly string[]): AttributeName[] {
  const wanted = new Set(claims);
  const nin = ['nin', 'nin_type', 'nin_issuing_country'].some((c) => wanted.has(c));
  return DELIVERABLE_ATTRIBUTES.filter((a) => (a === 'nin' ? nin : wanted.has(claimOf(a))));
}

const PAGE_LANGS: Record<string, SessionRequest['language']> = { nb: 'nb', no: 'nb', nn: 'nn', en: 'en' };

/** The first of the ui_locales the pages speak. */
function languageOf(uiLocales: string | undefined): SessionRequest['language'] | undefined {
  for (const tag of uiLocales?.split(' ') ?? []) {
    const lang = PAGE_LANGS[tag.split('-')[0]!.toLowerCase()];
    if (lang) return lang;
  }
  return undefined;
}

const refused = (error: LoginRefusal['error'], description: string): LoginRefusal => ({ kind: 'refused', error, description });
const isLoa = (v: string): v is Loa => (LOAS as readonly string[]).includes(v);

export interface OidcLoginsDeps {
  sessions: Sessions;
  sealer: Sealer;
  /** The hosted journey's start page for a session (its authenticationUrl). */
  authenticationUrl: (sessionId: string) => string;
}

export class OidcLogins {
  readonly #deps: OidcLoginsDeps;

  constructor(deps: OidcLoginsDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the eID part of an OP login: the session, for the browser to go through. `interaction` names the
   * OP's interaction (the session's externalReference, so the session ends only that interaction) and
   * `returnUrl` is where the journey sends the browser when it ends, whatever the outcome.
   */
  async begin(client: OidcClientRecord, params: LoginParams, interaction: string, returnUrl: string): Promise<LoginStart> {
    const s = client.settings;
    const tokens = (params.acr_values ?? '').split(' ').filter(Boolean);
    const idps = tokens.filter((t) => t.startsWith('idp:')).map((t) => t.slice(4));
    // Unknown non-idp: values are ignored, as Signicat does; a level may come as acr_values or loa.
    const asked = [params.loa, ...tokens].filter((t): t is string => t !== undefined && t !== '').map((t) => t.toLowerCase());
    const levels = asked.filter(isLoa);
    if (params.loa !== undefined && !isLoa(params.loa.toLowerCase()))
      return refused('invalid_request', `loa ${params.loa} is not a level (low, substantial, high).`);
    const level = levels[0] ?? s.defaultLevel ?? lowestWhenRestricted(s.allowedLevels);
    if (level && !s.allowedLevels.includes(level)) {
      return refused('invalid_request', `The level ${level} is not allowed for this client (allowed: ${s.allowedLevels.join(', ')}).`);
    }
    const notAllowed = s.allowedProviders.length ? idps.filter((p) => !s.allowedProviders.includes(p)) : [];
    if (notAllowed.length) return refused('invalid_request', `Unknown identity provider for this client: ${notAllowed.join(', ')}.`);
    const allowedProviders = idps.length ? [...new Set(idps)] : s.allowedProviders.length ? s.allowedProviders : undefined;
    const requestedAttributes = attributesFor(s.claims);
    const hint = params.login_hint;
    const request: SessionRequest = {
      flow: 'redirect',
      callbackUrls: { success: returnUrl, abort: returnUrl, error: returnUrl },
      externalReference: interaction,
      tags: ['oidc', `${OIDC_CLIENT_TAG_PREFIX}${client.clientId}`],
      ...(allowedProviders ? { allowedProviders } : {}),
      ...(requestedAttributes.length ? { requestedAttributes } : {}),
      ...(level ? { requestedLoa: level } : {}),
      ...(languageOf(params.ui_locales) ? { language: languageOf(params.ui_locales) } : {}),
      // A login_hint that is a national identity number pre-fills it where the provider takes a hint.
      ...(hint && isValidNin(hint) ? { prefilledInput: { nin: hint } } : {}),
    } as SessionRequest;
    try {
      const { session } = await this.#deps.sessions.create(client.accountId, request, undefined, { brokerCallbacks: true });
      return { kind: 'journey', url: this.#deps.authenticationUrl(session.id), sessionId: session.id };
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      const why = e.invalidParams?.map((p) =>
        p.name.startsWith('allowedProviders') ? `identity provider ${p.reason}` : `${p.name} ${p.reason}`,
      );
      return refused('invalid_request', why?.length ? why.join('; ') : e.message);
    }
  }

  /** The journey ended and the browser is back: the login (the session's id is the OP's account id) or the refusal. */
  async end(client: OidcClientRecord, interaction: string, sessionId: string): Promise<LoginEnd> {
    const session = await this.#deps.sessions.find(sessionId);
    if (!session || session.accountId !== client.accountId || session.request.externalReference !== interaction)
      return { kind: 'not_found' };
    const status = this.#deps.sessions.statusOf(session);
    switch (status) {
      case 'SUCCESS': {
        const login = await this.identity(session.id, client.accountId);
        if (!login) return { kind: 'not_found' };
        const subject = this.claimsFor(login, client).sub;
        return {
          kind: 'login',
          subject,
          sessionId: session.id,
          acr: session.loa ?? 'low',
          amr: session.provider ? [session.provider] : [],
        };
      }
      case 'ABORT':
      case 'CANCELLED':
        return refused('access_denied', 'The person cancelled the login.');
      case 'EXPIRED':
        return refused('access_denied', 'The login took too long and expired.');
      case 'ERROR':
        return refused('access_denied', `The login failed (${session.error?.code ?? 'error'}).`);
      default:
        return { kind: 'open' };
    }
  }

  /** A successful login of the account, by session id (findAccount); undefined for anything else. */
  async identity(sessionId: string, accountId: string): Promise<VerifiedLogin | undefined> {
    const session = await this.#deps.sessions.find(sessionId);
    if (!session || session.accountId !== accountId || session.status !== 'SUCCESS' || !session.request.tags?.includes('oidc'))
      return undefined;
    const identity = this.#deps.sessions.openIdentity(session);
    return identity.subject ? { session, identity } : undefined;
  }

  /**
   * The claims of a login for one client, in Signicat's OIDC names, only those on the client's allow-list
   * (oidc-provider then keeps those the granted scopes cover). sub is pairwise per client unless the
   * client is public, where it is the session's subject.id (the same person as the REST API sees them).
   */
  claimsFor(login: VerifiedLogin, client: OidcClientRecord): Record<string, unknown> & { sub: string } {
    const subject = login.identity.subject!;
    const sub =
      client.settings.subjectType === 'public'
        ? subject.id
        : urlSafe(this.#deps.sealer.pseudonym('oidc-pairwise', client.clientId, subject.id));
    const all: Record<string, unknown> = { idp: login.session.provider ?? undefined };
    for (const [name, value] of Object.entries(subject) as [keyof IdentityAttributes | 'id', unknown][]) {
      if (name === 'id' || value === undefined) continue;
      if (name === 'nin') {
        const nin = value as NonNullable<IdentityAttributes['nin']>;
        Object.assign(all, { nin: nin.value, nin_type: nin.type, nin_issuing_country: nin.issuingCountry });
      } else all[claimOf(name)] = value;
    }
    const allowed = new Set(client.settings.claims);
    const claims: Record<string, unknown> & { sub: string } = { sub };
    for (const [k, v] of Object.entries(all)) if (allowed.has(k) && v !== undefined) claims[k] = v;
    return claims;
  }
}

/** With no level asked for and no default: none (the provider's own) unless the client may not use every level. */
function lowestWhenRestricted(allowed: readonly Loa[]): Loa | undefined {
  if (allowed.length === LOAS.length) return undefined;
  return [...allowed].sort((a, b) => LOA_ORDER[a] - LOA_ORDER[b])[0];
}
