// Hostile provider, iat-future: an id_token issued one day in the future.
// The id_token's iat is tomorrow (and its exp two minutes after that, so exp alone does not reject it). A
// token from the future is either forged or from a provider whose clock cannot be trusted; OIDC Core 3.1.3.7
// step 10 lets the client reject an iat too far from the current time, and the broker should. openid-client
// v6 checks exp and nbf but not a future iat, so the broker has to.
import { rejectedCase } from './support.ts';

rejectedCase('iat-future', 'invalid_provider_response');
