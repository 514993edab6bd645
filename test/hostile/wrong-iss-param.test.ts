// Hostile provider, wrong-iss-param: an authorization response whose iss parameter is another issuer.
// The authorization response's iss parameter names another issuer (RFC 9207 section 2.4): the mix-up attack
// the parameter exists to stop.
import { rejectedCase } from './support.ts';

rejectedCase('wrong-iss-param', 'invalid_provider_response', { detail: /OAUTH_INVALID_RESPONSE/ });
