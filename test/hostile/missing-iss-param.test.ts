// Hostile provider, missing-iss-param: an authorization response without iss from a provider that promises one.
// The discovery metadata says authorization_response_iss_parameter_supported: true, and the authorization
// response has no iss (RFC 9207 section 2.4: the client must then reject it). Dropping the parameter must not
// be a way around the mix-up check.
import { rejectedCase } from './support.ts';

rejectedCase('missing-iss-param', 'invalid_provider_response', { detail: /OAUTH_INVALID_RESPONSE/ });
