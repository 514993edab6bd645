// Hostile provider, missing-nonce: an id_token without a nonce.
// The broker sent a nonce, the id_token has none (OIDC Core 3.1.3.7 step 11: if a nonce was sent, the claim
// must be present and equal). Without the check, a token from a login without a nonce could be replayed.
import { rejectedCase } from './support.ts';

rejectedCase('missing-nonce', 'invalid_provider_response', { detail: /OAUTH_INVALID_RESPONSE/ });
