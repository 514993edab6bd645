// Hostile provider, wrong-nonce: an id_token whose nonce is not the one the broker sent.
// The id_token carries a nonce other than the one this journey sent (OIDC Core 3.1.3.7 step 11): a token
// minted for another authentication request, replayed into this one.
import { rejectedCase } from './support.ts';

rejectedCase('wrong-nonce', 'invalid_provider_response', { detail: /OAUTH_JWT_CLAIM_COMPARISON_FAILED/ });
