// Hostile provider, bad-signature: an id_token signed with a key that is not the provider's (under the provider's kid).
// The provider signs the id_token with a key of its own making but names its real key's kid: the signature
// does not verify against the JWKS. openid-client skips the signature for token-endpoint id_tokens unless
// enableNonRepudiationChecks is on (the broker turns it on); this case is what fails if that line goes.
import { rejectedCase } from './support.ts';

rejectedCase('bad-signature', 'invalid_provider_response', { detail: /OAUTH_INVALID_RESPONSE/ });
