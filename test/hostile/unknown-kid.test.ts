// Hostile provider, unknown-kid: an id_token signed with a key whose kid is not in the provider's JWKS.
// The id_token names a kid the JWKS does not have (the signing key is the attacker's own). openid-client
// refetches the JWKS once on an unknown kid; the key is still not there, so no key verifies the token.
import { rejectedCase } from './support.ts';

rejectedCase('unknown-kid', 'invalid_provider_response', { detail: /OAUTH_KEY_SELECTION_FAILED/ });
