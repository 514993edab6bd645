// Hostile provider, bad-pid: an id_token whose pid fails the mod-11 check.
// The id_token is valid in every way except its pid: eleven digits whose second control digit is wrong, so
// not a Norwegian national identity number. The broker must not map it to nin, idpId or dateOfBirth; nothing
// from the token reaches the subject, and the number reaches neither the session nor the log.
import { rejectedCase } from './support.ts';

rejectedCase('bad-pid', 'invalid_provider_response', { detail: /pid .*control digit/ });
