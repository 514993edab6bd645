// Hostile provider, token-timeout: a token endpoint that never answers.
// The token endpoint accepts the request and never answers. The broker's PROVIDER_TIMEOUT_MS (2 s here)
// bounds the wait: the login ends in ERROR provider_unavailable rather than hanging the browser.
import { rejectedCase } from './support.ts';

// Short enough to keep the test quick, long enough that discovery and the JWKS fetch on a loaded
// machine do not time out too (they share the bound): only the token request may.
rejectedCase('token-timeout', 'provider_unavailable', { detail: /did not answer in time/, env: { PROVIDER_TIMEOUT_MS: '2000' } });
