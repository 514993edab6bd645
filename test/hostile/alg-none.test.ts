// Hostile provider, alg-none: an unsigned id_token (alg none).
// The id_token has alg none and no signature (openid-client's conformance module idtoken-sig-none). The
// broker registers RS256 as the only id_token alg; an unsigned token must never be accepted.
import { rejectedCase } from './support.ts';

rejectedCase('alg-none', 'invalid_provider_response', { detail: /OAUTH_INVALID_RESPONSE/ });
