// Hostile provider, token-not-json: a token endpoint that answers 200 with a body that is not JSON.
// The token endpoint answers 200, says application/json, and sends an HTML page: a success status with a
// body that is no token response at all.
import { rejectedCase } from './support.ts';

rejectedCase('token-not-json', 'invalid_provider_response', { detail: /OAUTH_PARSE_ERROR/ });
