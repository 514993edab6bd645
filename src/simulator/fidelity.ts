// The fidelity ledger: every known difference between the simulator's ID-porten profile and the real
// ID-porten, with the public source for the real behaviour. Served as JSON at FIDELITY_PATH, printed by
// `eidgate simulator --fidelity`, and written out in docs/simulator-fidelity.md. test/simulator-fidelity.test.ts
// compares the simulator with recorded real responses (test/fixtures/idporten-golden.json) and fails when a
// difference listed here (by its `golden` keys) disappears or one not listed appears.
// Sources (S-numbers): shared/reference/idporten-simulator-fidelity.md part 1, docs.digdir.no pages.

export type Impact = 'high' | 'medium' | 'low';

export interface Difference {
  id: string;
  area: string;
  real: string;
  simulator: string;
  impact: Impact;
  source: string;
  /** The golden-comparison keys this difference accounts for (none: behaviour the golden data does not record). */
  golden?: string[];
}

export const FIDELITY_PATH = '/.well-known/eidgate-simulator-fidelity';

export const DIFFERENCES: Difference[] = [
  {
    id: 'locale-without-profile',
    area: 'claims',
    real: 'locale is in the id_token only when profile was requested (2025 documentation; older examples always show it)',
    simulator: 'locale is always in the id_token',
    impact: 'low',
    source: 'S4 oidc_protocol_id_token',
  },
  {
    id: 'sami-locale',
    area: 'language',
    real: 'ui_locales=se gives Sámi pages and locale "se"; the IDPORTEN_SELECTED_LANGUAGE cookie and a language switcher',
    simulator: 'se falls back to Bokmål pages and locale "nb"; no language cookie or switcher',
    impact: 'low',
    source: 'S1 oidc_protocol_authorize, S4 oidc_protocol_id_token',
  },
  {
    id: 'step-up-account-switch',
    area: 'SSO',
    real: 'step-up, or another eID or language, within a session upgrades the session',
    simulator:
      "the account is pid.eid.locale, so another eID or language is another account: oidc-provider ends the whole SSO session (every client's grant) through an auto-submitting form to /logout/confirm before the new login; a client without script must submit that form itself",
    impact: 'medium',
    source: 'fidelity report N5',
  },
  {
    id: 'response-modes',
    area: 'metadata',
    real: 'response_modes_supported query, form_post, query.jwt, form_post.jwt (JARM); authorization_signing_alg_values_supported RS256',
    simulator: 'query, fragment, form_post; no JARM (query.jwt is refused), no authorization_signing_alg_values_supported',
    impact: 'medium',
    source: 'S19 (recorded TEST metadata)',
    golden: ['discovery.response_modes_supported', 'discovery.authorization_signing_alg_values_supported'],
  },
  {
    id: 'metadata-extras',
    area: 'metadata',
    real: 'the recorded TEST metadata has none of these fields (they may have been added since)',
    simulator:
      "oidc-provider's additional fields: claims_supported (with sid and iss), claim_types_supported, dpop_signing_alg_values_supported, backchannel_logout_*, introspection/revocation auth fields, request_object_signing_alg_values_supported and the like",
    impact: 'low',
    source: 'S19',
    golden: ['discovery.extra'],
  },
  {
    id: 'acr-values',
    area: 'levels',
    real: 'selfregistered-email exists; eidas-loa-* alone goes to the country picker and returns eidas-loa-*',
    simulator:
      'selfregistered-email is refused (invalid_request); eidas-loa-* offers the Norwegian eIDs and returns idporten-loa-*; idporten-loa-low yields substantial',
    impact: 'medium',
    source: 'S4 oidc_protocol_id_token, S11 oidc_protocol_nye_idporten',
  },
  {
    id: 'code-format',
    area: 'wire',
    real: 'the authorization code is two base64url parts joined by "."',
    simulator: 'one 43-character base64url value',
    impact: 'low',
    source: 'S12 oidc_func_apitesting (recorded response)',
    golden: ['code.format'],
  },
  {
    id: 'sub-format',
    area: 'wire',
    real: 'pairwise sub of around 98 characters',
    simulator: 'pairwise sub of 43 characters (base64url SHA-256)',
    impact: 'low',
    source: 'S4 oidc_protocol_id_token (examples)',
    golden: ['id_token.sub_length'],
  },
  {
    id: 'refresh-token-format',
    area: 'tokens',
    real: 'the refresh token is a JWE',
    simulator: 'an opaque refresh token (rotated on use, 600 s, revoked at logout)',
    impact: 'low',
    source: 'S14 oidc_guide_idporten',
    golden: ['refresh_token.format'],
  },
  {
    id: 'refresh-dpop',
    area: 'tokens',
    real: 'public clients refresh with DPoP-bound refresh tokens',
    simulator: 'no DPoP binding of refresh tokens',
    impact: 'medium',
    source: 'S18 oidc_func_dpop',
  },
  {
    id: 'access-token-audience',
    area: 'tokens',
    real: "no aud for a login-only token, the registered audience for an API scope; consumer is the client owner's organisation number",
    simulator: 'never an aud (API scopes are not simulated); consumer is one synthetic organisation (0192:000000000) for every client',
    impact: 'medium',
    source: 'S16 oidc_protocol_access_token',
  },
  {
    id: 'unregistered-scopes',
    area: 'scopes',
    real: 'API scopes must be registered on the client; the behaviour for others is undocumented',
    simulator: 'scopes other than openid and profile are silently dropped',
    impact: 'medium',
    source: 'S17 oidc_func_clientreg',
  },
  {
    id: 'introspection-audience',
    area: 'introspection',
    real: 'introspection needs the idporten:token.introspection scope and enforced_aud_for_introspection on the API scope',
    simulator: 'needs the scope (configured on the client); the audience rule is not simulated (there are no API scopes)',
    impact: 'low',
    source: 'S15 oidc_protocol_tokenintrospect',
  },
  {
    id: 'certificate-chain',
    area: 'keys',
    real: 'x5c is a chain from a commercial CA (Buypass/Commfides)',
    simulator: 'x5c is one self-signed certificate for the simulator key',
    impact: 'low',
    source: 'S14 oidc_guide_idporten',
  },
  {
    id: 'logout-token-header',
    area: 'logout',
    real: 'the back-channel logout token header carries x5c',
    simulator: "oidc-provider's logout token: typ logout+jwt, kid, alg RS256, no x5c",
    impact: 'low',
    source: 'S8 oidc_func_backchannel_logout',
  },
  {
    id: 'front-channel-page',
    area: 'logout',
    real: "ID-porten's own page runs the front-channel iframes and redirects with script",
    simulator: 'a page with the iframes and a 1-second meta refresh (no script)',
    impact: 'low',
    source: 'S6 oidc_protocol_logout',
  },
  {
    id: 'error-texts',
    area: 'errors',
    real: "undocumented error descriptions; ID-porten's own error pages",
    simulator: "oidc-provider's English error descriptions; a simulator error page",
    impact: 'low',
    source: 'S22 idporten_feilsoking',
  },
  {
    id: 'test-person-rules',
    area: 'people',
    real: 'TestID is meant for synthetic numbers (month + 80)',
    simulator: 'any number with valid control digits is accepted, including non-synthetic ones',
    impact: 'low',
    source: 'S13 idporten_testbrukere',
  },
  {
    id: 'login-ui',
    area: 'pages',
    real: "an eID chooser, then the chosen eID's own pages",
    simulator: 'one page: eID, TestID level, a test person or a typed number',
    impact: 'low',
    source: 'fidelity report N23',
  },
  {
    id: 'onbehalfof',
    area: 'parameters',
    real: 'onbehalfof (suppliers) puts the on-behalf-of id in the id_token',
    simulator: 'onbehalfof is ignored',
    impact: 'low',
    source: 'fidelity report N25; Digdir verification test 10',
  },
  {
    id: 'issuer-bind-address',
    area: 'origins',
    real: 'fixed public host names',
    simulator:
      'the default issuer is http://localhost:PORT while the server binds 127.0.0.1; an RP configured with 127.0.0.1 gets an issuer mismatch (set SIMULATOR_ISSUER)',
    impact: 'low',
    source: 'fidelity report N21',
  },
  {
    id: 'one-origin-default',
    area: 'origins',
    real: 'login.test.idporten.no for /authorize and /logout, test.idporten.no for the rest',
    simulator: 'one origin unless SIMULATOR_LOGIN_URL names a second one (both are served by the same port)',
    impact: 'low',
    source: 'S19, S20',
  },
  {
    id: 'lenient-mode',
    area: 'enforcement',
    real: "ID-porten's rules always apply",
    simulator:
      "with SIMULATOR_LENIENT=1 the token endpoint accepts oidc-provider's defaults (no redirect_uri, either secret method, long assertions, assertions without client_id), and state and nonce are optional",
    impact: 'medium',
    source: 'S3, S11, S21',
  },
  {
    id: 'key-persistence',
    area: 'keys',
    real: 'keys and sub are stable; rotation is announced',
    simulator:
      "stable only with a data directory (npm run simulator keeps ./data/simulator); embedded in tests and the broker's development mode the state is in memory and new at every start",
    impact: 'low',
    source: 'S9 oidc_func_wellknown',
  },
];

export function fidelityLedger() {
  return {
    subject: 'eidgate ID-porten simulator against the real ID-porten (TEST)',
    count: DIFFERENCES.length,
    differences: DIFFERENCES,
  };
}

export function fidelityText(): string {
  const lines = [`eidgate ID-porten simulator: ${DIFFERENCES.length} known differences from the real ID-porten`, ''];
  for (const d of DIFFERENCES) {
    lines.push(
      `- [${d.impact}] ${d.id} (${d.area})`,
      `    real:      ${d.real}`,
      `    simulator: ${d.simulator}`,
      `    source:    ${d.source}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
