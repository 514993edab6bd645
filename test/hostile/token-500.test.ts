// Hostile provider, token-500: a token endpoint that answers 500 with an HTML page.
// The provider failing on its side: provider_unavailable, a condition to retry later (docs/errors.md), as
// for a timeout; not invalid_provider_response, which reads as a security rejection, and not
// provider_error, which is kept for the provider's own OAuth error answers (invalid_grant, server_error…).
import { rejectedCase } from './support.ts';

rejectedCase('token-500', 'provider_unavailable');
