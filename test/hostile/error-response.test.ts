// Hostile provider, error-response: an authorization response with error=server_error.
// The authorization endpoint answers error=server_error (with the right state and iss). Anything but
// access_denied is the provider failing: ERROR provider_error, not ABORT.
import { rejectedCase } from './support.ts';

rejectedCase('error-response', 'provider_error', { detail: /server_error/ });
