// Hostile provider, missing-pid: an id_token valid in every way but without the claim that says who the
// person is (ID-porten's pid, BankID's bankid_altsub), which the provider always sends. Such a token is
// not what the provider issues: the login fails rather than succeed with a subject that lacks the number.
import { rejectedCase } from './support.ts';

rejectedCase('missing-pid', 'invalid_provider_response', {
  detail: /lacks (pid|bankid_altsub), which (ID-porten|BankID|Hostile OIDC) always sends/,
});
