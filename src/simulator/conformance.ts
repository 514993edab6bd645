// Conformance mode: the simulator grades each relying party's traffic against ID-porten's rules and explains
// every mistake in Norwegian and English — what Digdir's test environment cannot tell a team, since it only
// refuses (or, for some mistakes, lets them through until production). Recorded in lenient mode too, before
// any refusal. One more check needs the client's help: ask for a deliberately broken id_token
// (POST /simulator/conformance/<client_id>/break-next-id-token); a client that then uses the access token
// from that response did not validate the id_token.
// Report: GET /simulator/conformance/<client_id> (JSON; HTML with ?format=html, language with ?lang=nb|en).
import type { AuthMethod } from './enforce.ts';
import { presentedAuth } from './enforce.ts';
import { layoutPage } from './pages.ts';
import type { Branding } from './profiles.ts';

export type FindingCode =
  | 'no_state'
  | 'no_nonce'
  | 'no_pkce'
  | 'pkce_plain'
  | 'token_redirect_uri'
  | 'auth_method'
  | 'assertion_client_id'
  | 'assertion_aud'
  | 'assertion_sub'
  | 'assertion_jti'
  | 'assertion_kid'
  | 'assertion_lifetime'
  | 'assertion_alg'
  | 'id_token_not_validated';

export const FINDINGS: Record<FindingCode, { nb: string; en: string }> = {
  no_state: {
    nb: 'Autentiseringsforespørselen mangler state. ID-porten krever en unik state per forespørsel, og klienten må sjekke den i svaret (vern mot CSRF).',
    en: 'The authorization request has no state. ID-porten requires a unique state per request, checked by the client in the response (CSRF protection).',
  },
  no_nonce: {
    nb: 'Autentiseringsforespørselen mangler nonce. ID-porten krever nonce, og klienten må sjekke den mot nonce i id_token (vern mot gjenbruk).',
    en: 'The authorization request has no nonce. ID-porten requires one, checked by the client against the nonce in the id_token (replay protection).',
  },
  no_pkce: {
    nb: 'Forespørselen bruker ikke PKCE. ID-porten krever code_challenge med S256 med mindre klienten er nedgradert i selvbetjening.',
    en: 'The request uses no PKCE. ID-porten requires a code_challenge with S256 unless the client was downgraded in self-service.',
  },
  pkce_plain: {
    nb: 'code_challenge_method er plain. ID-porten godtar bare S256.',
    en: 'code_challenge_method is plain. ID-porten accepts S256 only.',
  },
  token_redirect_uri: {
    nb: 'Token-forespørselen mangler redirect_uri. ID-porten krever den, med samme verdi som i autentiseringsforespørselen.',
    en: 'The token request has no redirect_uri. ID-porten requires it, with the value of the authorization request.',
  },
  auth_method: {
    nb: 'Klienten autentiserte seg med en annen metode enn den registrerte. ID-porten godtar bare den registrerte metoden (client_secret_basic og client_secret_post er ikke det samme).',
    en: 'The client authenticated with another method than its registered one. ID-porten accepts the registered method only (client_secret_basic and client_secret_post differ).',
  },
  assertion_client_id: {
    nb: 'client_assertion ble sendt uten client_id. ID-porten krever client_id ved siden av client_assertion.',
    en: 'client_assertion was sent without client_id. ID-porten requires client_id beside client_assertion.',
  },
  assertion_aud: {
    nb: 'aud i client_assertion er verken utstederen (issuer) eller token-endepunktet.',
    en: 'The client_assertion aud is neither the issuer nor the token endpoint.',
  },
  assertion_sub: {
    nb: 'client_assertion mangler sub, eller sub er ikke klientens client_id.',
    en: 'The client_assertion has no sub, or its sub is not the client_id.',
  },
  assertion_jti: {
    nb: 'client_assertion mangler jti. En unik jti hindrer gjenbruk av påstanden.',
    en: 'The client_assertion has no jti. A unique jti stops the assertion being replayed.',
  },
  assertion_kid: {
    nb: 'client_assertion mangler kid i headeren, så ID-porten kan ikke velge riktig nøkkel.',
    en: 'The client_assertion header has no kid, so ID-porten cannot pick the key.',
  },
  assertion_lifetime: {
    nb: 'client_assertion lever for lenge, eller mangler iat/exp. ID-porten godtar høyst 120 sekunder (exp − iat).',
    en: 'The client_assertion lives too long, or lacks iat/exp. ID-porten accepts at most 120 seconds (exp − iat).',
  },
  assertion_alg: {
    nb: 'client_assertion er ikke signert med RS256, den eneste algoritmen ID-porten godtar.',
    en: 'The client_assertion is not signed with RS256, the only algorithm ID-porten accepts.',
  },
  id_token_not_validated: {
    nb: 'Klienten tok i bruk tokens fra et svar med et ugyldig id_token (feil signatur). Klienten må validere id_token (signatur, iss, aud, exp, nonce) før den stoler på innloggingen.',
    en: 'The client used tokens from a response whose id_token was invalid (bad signature). It must validate the id_token (signature, iss, aud, exp, nonce) before trusting the login.',
  },
};

interface Finding {
  count: number;
  firstSeen: string;
  lastSeen: string;
  detail?: string;
}

function decode(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

export class Conformance {
  private readonly byClient = new Map<string, Map<FindingCode, Finding>>();
  private readonly seen = new Set<string>();
  private readonly armed = new Set<string>();
  private readonly poisoned = new Map<string, string>();

  record(clientId: string | undefined, code: FindingCode, detail?: string): void {
    if (!clientId) return;
    const findings = this.byClient.get(clientId) ?? new Map<FindingCode, Finding>();
    const now = new Date().toISOString();
    const f = findings.get(code) ?? { count: 0, firstSeen: now, lastSeen: now };
    f.count++;
    f.lastSeen = now;
    if (detail) f.detail = detail;
    findings.set(code, f);
    this.byClient.set(clientId, findings);
  }

  /** An authorization request (at /authorize or pushed at /par). */
  inspectAuthorization(params: URLSearchParams, downgraded: (clientId: string) => boolean): void {
    const clientId = params.get('client_id') ?? undefined;
    if (!clientId) return;
    this.seen.add(clientId);
    if (!params.get('state')) this.record(clientId, 'no_state');
    if (!params.get('nonce') && (params.get('scope') ?? '').split(' ').includes('openid')) this.record(clientId, 'no_nonce');
    if (params.get('code_challenge_method') === 'plain') this.record(clientId, 'pkce_plain');
    else if (!params.get('code_challenge') && !downgraded(clientId)) this.record(clientId, 'no_pkce');
  }

  /** A request to a client-authenticating endpoint. */
  inspectClientRequest(
    endpoint: 'token' | 'par' | 'introspection' | 'revocation',
    form: URLSearchParams,
    authorization: string | undefined,
    registered: (clientId: string) => AuthMethod | undefined,
    issuer: string,
    tokenUrl: string,
  ): void {
    const { method, clientId } = presentedAuth(form, authorization);
    if (!clientId) return;
    this.seen.add(clientId);
    const expected = registered(clientId);
    if (expected && expected !== method) this.record(clientId, 'auth_method', `registered ${expected}, used ${method} at ${endpoint}`);
    if (endpoint === 'token' && form.get('grant_type') === 'authorization_code' && !form.get('redirect_uri')) {
      this.record(clientId, 'token_redirect_uri');
    }
    if (method !== 'private_key_jwt') return;
    if (!form.has('client_id')) this.record(clientId, 'assertion_client_id');
    const [h, p] = (form.get('client_assertion') ?? '').split('.');
    const header = decode(h) ?? {};
    const claims = decode(p) ?? {};
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => a === issuer || a === tokenUrl)) this.record(clientId, 'assertion_aud', `aud: ${JSON.stringify(claims.aud)}`);
    if (claims.sub !== clientId) this.record(clientId, 'assertion_sub');
    if (!claims.jti) this.record(clientId, 'assertion_jti');
    if (!header.kid) this.record(clientId, 'assertion_kid');
    if (header.alg !== 'RS256') this.record(clientId, 'assertion_alg', `alg: ${String(header.alg)}`);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp - claims.iat > 120) {
      this.record(clientId, 'assertion_lifetime');
    }
  }

  arm(clientId: string): void {
    this.armed.add(clientId);
  }

  /** Whether the next id_token for this client is to be broken (and forget the wish). */
  takeArmed(clientId: string): boolean {
    return this.armed.delete(clientId);
  }

  /** The (opaque) access token issued beside a broken id_token. */
  poison(accessToken: string, clientId: string): void {
    this.poisoned.set(accessToken, clientId);
  }

  /** An access token used at userinfo (or introspection): the client proceeded despite the broken id_token. */
  used(accessToken: string): void {
    const clientId = this.poisoned.get(accessToken);
    if (clientId) this.record(clientId, 'id_token_not_validated');
  }

  report(clientId: string) {
    const findings = [...(this.byClient.get(clientId) ?? new Map<FindingCode, Finding>())].map(([code, f]) => ({
      code,
      count: f.count,
      first_seen: f.firstSeen,
      last_seen: f.lastSeen,
      ...(f.detail ? { detail: f.detail } : {}),
      nb: FINDINGS[code].nb,
      en: FINDINGS[code].en,
    }));
    return {
      client_id: clientId,
      traffic_seen: this.seen.has(clientId),
      broken_id_token_pending: this.armed.has(clientId),
      verdict: findings.length === 0 ? 'no mistakes seen' : `${findings.length} kind(s) of mistake`,
      findings,
    };
  }
}

/** The report as a page (no script, the simulator's layout). */
export function conformancePage(brand: Branding, lang: 'nb' | 'en', report: ReturnType<Conformance['report']>): string {
  const esc = (s: string) =>
    s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
  const title = lang === 'nb' ? `Samsvarsrapport for ${report.client_id}` : `Conformance report for ${report.client_id}`;
  const none = lang === 'nb' ? 'Ingen feil sett så langt.' : 'No mistakes seen so far.';
  const noTraffic =
    lang === 'nb'
      ? 'Simulatoren har ikke sett trafikk fra denne klienten ennå.'
      : 'The simulator has seen no traffic from this client yet.';
  const items = report.findings
    .map(
      (f) => `<li><strong>${esc(f.code)}</strong> (${f.count}×): ${esc(f[lang])}${f.detail ? ` <code>${esc(f.detail)}</code>` : ''}</li>`,
    )
    .join('\n');
  const body =
    !report.traffic_seen && report.findings.length === 0 ? `<p>${noTraffic}</p>` : items ? `<ul>\n${items}\n</ul>` : `<p>${none}</p>`;
  return layoutPage(brand, lang, title, body);
}
