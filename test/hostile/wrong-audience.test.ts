// Hostile provider, wrong-audience: an id_token issued to another client.
// The id_token's aud is another client (OIDC Core 3.1.3.7 step 3): a token for someone else's login.
import { rejectedCase } from './support.ts';

rejectedCase('wrong-audience', 'invalid_provider_response', { detail: /OAUTH_JWT_CLAIM_COMPARISON_FAILED/ });
