// Hostile provider, expired-id-token: an id_token that expired an hour ago.
// The id_token was issued an hour ago and expired 58 minutes ago (exp in the past, OIDC Core 3.1.3.7 step 9);
// openid-client's conformance module invalid-expired-exp. Everything else about the token is right.
import { rejectedCase } from './support.ts';

rejectedCase('expired-id-token', 'invalid_provider_response', { detail: /OAUTH_JWT_TIMESTAMP_CHECK_FAILED/ });
