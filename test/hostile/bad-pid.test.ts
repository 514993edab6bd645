// Hostile provider, bad-pid: an id_token whose national identity number (ID-porten's pid, BankID's
// nnin_altsub) fails the mod-11 check.
// The id_token is valid in every way except that number: eleven digits whose second control digit is wrong, so
// not a Norwegian national identity number. The broker must not map it to nin, idpId or dateOfBirth; nothing
// from the token reaches the subject, and the number reaches neither the session nor the log.
import { rejectedCase } from './support.ts';

rejectedCase('bad-pid', 'invalid_provider_response', {
  detail: /(pid|nnin_altsub) that is not a valid national identity number \(.*control digit/,
});
