// Hostile provider, missing-amr: an id_token without amr (the eID used), which ID-porten and BankID always
// send. The login fails; it does not succeed without idportenIdp or nbidIdp.
import { rejectedCase } from './support.ts';

rejectedCase('missing-amr', 'invalid_provider_response', { detail: /lacks amr, which (ID-porten|BankID) always sends/ });
