// What ID-porten enforces at its client-authenticating endpoints (/token, /par, /token/introspect,
// /token/revoke) beyond what oidc-provider checks: the registered client authentication method and no
// other (oidc-provider treats client_secret_basic and _post as one), `client_id` beside every
// `client_assertion`, assertions living at most 120 s (exp − iat) and signed with RS256, and `redirect_uri`
// in every authorization-code request. Sources: docs.digdir.no oidc_protocol_token, oidc_protocol_nye_idporten,
// oidc_guide_english. Off in lenient mode (SIMULATOR_LENIENT=1): oidc-provider's defaults only.

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface Refusal {
  status: number;
  error: string;
  error_description: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The method a request authenticates with, and the client it names. */
export function presentedAuth(form: URLSearchParams, authorization: string | undefined): { method: AuthMethod; clientId?: string } {
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const raw = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const id = raw.slice(0, Math.max(0, raw.indexOf(':')));
    let clientId: string | undefined;
    try {
      clientId = decodeURIComponent(id);
    } catch {
      clientId = id;
    }
    return { method: 'client_secret_basic', clientId };
  }
  if (form.has('client_assertion')) {
    const iss = decodePart(form.get('client_assertion')?.split('.')[1])?.iss;
    return { method: 'private_key_jwt', clientId: form.get('client_id') ?? (typeof iss === 'string' ? iss : undefined) };
  }
  if (form.has('client_secret')) return { method: 'client_secret_post', clientId: form.get('client_id') ?? undefined };
  return { method: 'none', clientId: form.get('client_id') ?? undefined };
}

/**
 * The first of ID-porten's rules this request breaks, or undefined. `registered` gives a client's registered
 * method (undefined for an unknown client: oidc-provider answers that one itself).
 */
export function refusal(
  endpoint: 'token' | 'par' | 'introspection' | 'revocation',
  form: URLSearchParams,
  authorization: string | undefined,
  registered: (clientId: string) => AuthMethod | undefined,
): Refusal | undefined {
  const invalidRequest = (d: string): Refusal => ({ status: 400, error: 'invalid_request', error_description: d });
  const invalidClient = (d: string): Refusal => ({ status: 401, error: 'invalid_client', error_description: d });
  const { method, clientId } = presentedAuth(form, authorization);
  if (method === 'private_key_jwt') {
    if (!form.has('client_id')) return invalidRequest('client_id is required with client_assertion');
    if (form.get('client_assertion_type') !== JWT_BEARER) return invalidRequest(`client_assertion_type must be ${JWT_BEARER}`);
    const [h, p] = (form.get('client_assertion') ?? '').split('.');
    const header = decodePart(h);
    const claims = decodePart(p);
    if (!header || !claims) return invalidClient('client_assertion is not a JWT');
    if (header.alg !== 'RS256') return invalidClient(`client_assertion must be signed with RS256, not ${String(header.alg)}`);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') {
      return invalidClient('client_assertion must carry iat and exp');
    }
    if (claims.exp - claims.iat > 120) {
      return invalidClient(`client_assertion may live at most 120 seconds (exp - iat is ${claims.exp - claims.iat})`);
    }
  }
  const expected = clientId ? registered(clientId) : undefined;
  if (expected && expected !== method) {
    return invalidClient(`the client must authenticate with its registered method ${expected}, not ${method}`);
  }
  if (endpoint === 'token' && form.get('grant_type') === 'authorization_code' && !form.get('redirect_uri')) {
    return invalidRequest('redirect_uri is required');
  }
  return undefined;
}
