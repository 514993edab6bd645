// A simulator profile: what makes one simulated OpenID Provider differ from another — its issuer path and
// endpoint layout, scopes and claims, acr values and their ranks, the eIDs its login page offers, what
// login_hint does, the claims of a login, and the page's branding. The provider machinery (oidc-provider, the
// login form, cancel → access_denied) is one, in ./simulator.ts; a profile is data and a few hooks.
import { createHash, randomBytes } from 'node:crypto';
import type { Configuration } from 'oidc-provider';
import { ACR_SUBSTANTIAL, ACR_VALUES, EIDS, REACHABLE_ACRS, TESTID, acrRank, type Eid } from './eids.ts';
import { checkNin } from './nin.ts';
import type { SimLang } from './pages.ts';
import type { Person } from './people.ts';

export type ProfileId = 'idporten' | 'bankid';

/** What a login_hint asks of the login page. */
export type HintResult =
  /** Log in without a page (ID-porten TEST's testid:<pid>_<acr>). */
  | { kind: 'headless'; pid: string; eid: Eid; acr: string }
  | { kind: 'refuse'; description: string }
  /** Show the page: only `eid` (when the hint names one), with the person's number typed in (when it gives one). */
  | { kind: 'page'; eidHint?: string; pid?: string };

export interface LoginFacts {
  pid: string;
  eid: Eid;
  locale: SimLang;
  person: Person | undefined;
  scope: string[];
  use: 'id_token' | 'userinfo' | string;
  /** The provider's SSO session id, when known. */
  session: string | undefined;
}

export interface Branding {
  /** The header's name and tag. */
  name: string;
  tag: string;
  /** A CSS class on <body> choosing the colours. */
  theme: 'idporten' | 'bankid';
  title: Record<SimLang, string>;
  chooseEid: Record<SimLang, string>;
}

export interface SimProfile {
  id: ProfileId;
  /** The issuer's path under the simulator's origin ('' for ID-porten, Keycloak's realm path for BankID). */
  mountPath: string;
  routes: NonNullable<Configuration['routes']>;
  /** The login page's path under the mount; the interaction uid follows. */
  loginPath: string;
  scopes: string[];
  claims: NonNullable<Configuration['claims']>;
  /** acr_values a request may name (and acr_values_supported). */
  acrValues: string[];
  /** Ranks request and claim acr values alike: higher is stronger; 0 for unknown. */
  rank(acr: string | undefined): number;
  /** The level asked for when a request names none. */
  defaultAcr: string;
  discovery: Record<string, unknown>;
  /** Pairwise sub per client and person, in the provider's format. */
  subject(clientId: string, pid: string, salt: string): string;
  /** Whether a client's `scope` limits what it may ask for here (BankID: every client may ask for nnin_altsub). */
  clientScopeApplies: boolean;
  /** oidc-provider's cookie names, distinct per profile: the profiles share one origin. */
  cookies: { session: string; interaction: string; resume: string };
  eids: Eid[];
  readHint(loginHint: string | undefined, minimum: string): HintResult;
  /** The claims of one login beyond sub, acr, amr and auth_time (which oidc-provider adds). */
  claimsOf(login: LoginFacts): Record<string, unknown>;
  brand: Branding;
}

const TESTID_HINT = /^testid:(\d{11})_(.+)$/;

export const ID_PORTEN: SimProfile = {
  id: 'idporten',
  mountPath: '',
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
  loginPath: '/login',
  scopes: ['openid', 'profile'],
  claims: {
    // ID-porten always sends these in the id_token, whatever the request names.
    openid: ['sub', 'pid', 'locale', 'acr', 'amr', 'auth_time', 'sid', 'jti'],
    profile: ['given_name', 'family_name', 'locale'],
  },
  acrValues: ACR_VALUES,
  rank: acrRank,
  defaultAcr: ACR_SUBSTANTIAL,
  discovery: { ui_locales_supported: ['en', 'nb', 'nn', 'se'], display_values_supported: ['page'], claim_types_supported: ['normal'] },
  // Pairwise per client, as in ID-porten (not per sector as OpenID Connect would allow).
  subject: (clientId, pid, salt) => createHash('sha256').update(`${clientId}|${pid}|${salt}`).digest('base64url'),
  clientScopeApplies: true,
  cookies: { session: '_session', interaction: '_interaction', resume: '_interaction_resume' },
  eids: EIDS,
  readHint(loginHint, minimum) {
    // ID-porten TEST's headless login (test only): login_hint=testid:<pid>_<acr> logs in without a page.
    const hint = TESTID_HINT.exec(loginHint ?? '');
    if (!hint) return { kind: 'page' };
    const [, pid = '', acr = ''] = hint;
    const check = checkNin(pid);
    if (!check.valid || !REACHABLE_ACRS.includes(acr) || acrRank(acr) < acrRank(minimum)) {
      return { kind: 'refuse', description: `login_hint: ${check.valid ? 'level not reachable' : check.reason}` };
    }
    return { kind: 'headless', pid, eid: TESTID, acr };
  },
  claimsOf({ pid, eid, locale, person, scope, use }) {
    const claims: Record<string, unknown> = { pid, locale };
    // jti: ID-porten's id_tokens carry a short random one (11 characters); userinfo has none.
    if (use === 'id_token') claims.jti = randomBytes(8).toString('base64url');
    if (scope.includes('profile') && eid.providesNames && person) {
      claims.given_name = person.givenName;
      claims.family_name = person.familyName;
    }
    return claims;
  },
  brand: {
    name: 'ID-porten',
    tag: 'simulator',
    theme: 'idporten',
    title: { nb: 'Logg inn i ID-porten (simulator)', nn: 'Logg inn i ID-porten (simulator)', en: 'Log in to ID-porten (simulator)' },
    chooseEid: { nb: 'Velg elektronisk ID', nn: 'Vel elektronisk ID', en: 'Choose an electronic ID' },
  },
};
