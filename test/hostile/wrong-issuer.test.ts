// Hostile provider, wrong-issuer: an id_token whose iss is another issuer.
// The id_token's iss is https://evil.example, not the issuer the broker discovered (OIDC Core 3.1.3.7 step 2).
import { rejectedCase } from './support.ts';

rejectedCase('wrong-issuer', 'invalid_provider_response', { detail: /OAUTH_JWT_CLAIM_COMPARISON_FAILED/ });
