// The simulator's BankID Norge profile: BankID's OIDC provider (Keycloak-based) as its TEST ("current")
// environment shows it — the realm issuer path and protocol/openid-connect endpoints, acr_values
// urn:bankid:bid (high) and urn:bankid:bis (substantial), login_hint BID/BIM/BIS (optionally with the
// person's number, BID:<nin> or :<nin>), and its id_token claims (bankid_altsub, originator,
// additionalCertInfo, tid, names and birthdate with profile, nnin_altsub with that scope). Sources: BankID
// Norge's developer documentation (core concepts: ID token, identity providers, login hints; BankID with
// biometrics: authentication methods). Synthetic people only; the certificate details are made up.
import { createHash, randomUUID } from 'node:crypto';
import type { Eid } from './eids.ts';
import { checkNin } from './nin.ts';
import type { SimProfile } from './profiles.ts';

const BID = 'urn:bankid:bid;LOA=4';
const BIM = 'urn:bankid:bim;LOA=4';
const BIS = 'urn:bankid:bis;LOA=3';
/** What a request may name in acr_values. */
const REQUEST_ACRS = ['urn:bankid:bid', 'urn:bankid:bis'];

/** urn:bankid:bid (request) and …;LOA=4 (claim) rank 4, urn:bankid:bis and …;LOA=3 rank 3. */
function rank(acr: string | undefined): number {
  if (acr === 'urn:bankid:bid') return 4;
  if (acr === 'urn:bankid:bis') return 3;
  const loa = /^urn:bankid:(bid|bim|bis);LOA=([34])$/.exec(acr ?? '')?.[2];
  return loa ? Number(loa) : 0;
}

const BANKID_EIDS: Eid[] = [
  {
    id: 'bid',
    label: 'BankID (kodebrikke eller app)',
    amr: ['bid', 'bid-mfa', 'bid-app', 'bid-pwd'],
    levels: [BID],
    providesNames: true,
    levelChoice: false,
    hint: 'BID',
  },
  { id: 'bim', label: 'BankID på mobil', amr: ['bim'], levels: [BIM], providesNames: true, levelChoice: false, hint: 'BIM' },
  {
    id: 'bis',
    label: 'BankID med biometri',
    amr: ['bis-mfa', 'bis-hwk'],
    levels: [BIS],
    providesNames: true,
    levelChoice: false,
    hint: 'BIS',
  },
  {
    // Biometrics asked for at high: the person steps up to BankID (code device or app and password).
    id: 'bis-stepup',
    label: 'BankID med biometri, trappet opp til BankID',
    amr: ['bis-mfa', 'bis-hwk', 'bis-bid', 'bid-mfa', 'bid-pwd'],
    levels: [BID],
    providesNames: true,
    levelChoice: false,
    hint: 'BIS',
    hintOnly: true,
  },
];

/** A BankID personal identifier (bankid_altsub) for a synthetic person: stable per number, not the number. */
export const altsubOf = (pid: string): string =>
  `9578-6000-4-${(Number.parseInt(createHash('sha256').update(`altsub|${pid}`).digest('hex').slice(0, 8), 16) % 9_000_000) + 1_000_000}`;

const ORIGINATOR =
  'CN=BankID - TestBank1 - Bank CA 3,OU=123456789,O=TestBank1 AS,C=NO;OriginatorId=9980;OriginatorName=BINAS;OriginatorId=9980';
/** When the synthetic people's BankID certificates were issued (updated_at) and how long they last. */
const CERT_FROM = 1_735_689_600;
const CERT_TO = CERT_FROM + 4 * 365 * 86_400;

const HINT = /^(BID|BIM|BIS)?(?::(\d{11}))?$/;

export const BANKID: SimProfile = {
  id: 'bankid',
  mountPath: '/auth/realms/current',
  routes: {
    authorization: '/protocol/openid-connect/auth',
    pushed_authorization_request: '/protocol/openid-connect/ext/par/request',
    token: '/protocol/openid-connect/token',
    userinfo: '/protocol/openid-connect/userinfo',
    jwks: '/protocol/openid-connect/certs',
    end_session: '/protocol/openid-connect/logout',
    revocation: '/protocol/openid-connect/revoke',
    introspection: '/protocol/openid-connect/token/introspect',
  },
  loginPath: '/login-actions',
  scopes: ['openid', 'profile', 'nnin_altsub'],
  claims: {
    openid: ['sub', 'acr', 'amr', 'auth_time', 'sid', 'typ', 'bankid_altsub', 'originator', 'additionalCertInfo', 'tid'],
    profile: ['name', 'given_name', 'family_name', 'birthdate', 'updated_at'],
    nnin_altsub: ['nnin_altsub'],
  },
  acrValues: REQUEST_ACRS,
  rank,
  // Without acr_values BankID authenticates at BankID High.
  defaultAcr: 'urn:bankid:bid',
  discovery: { ui_locales_supported: ['nb', 'nn', 'en'], claim_types_supported: ['normal'] },
  // BankID's sub is an opaque id that may change (use bankid_altsub); here a UUID per client and person.
  subject: (clientId, pid, salt) => {
    const h = createHash('sha256').update(`${clientId}|${pid}|${salt}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  },
  clientScopeApplies: false,
  cookies: { session: '_bankid_session', interaction: '_bankid_interaction', resume: '_bankid_interaction_resume' },
  eids: BANKID_EIDS,
  readHint(loginHint) {
    // BID, BIM, BIS pick the BankID; BID:<nin> or :<nin> also fill in the user id (BIM's mobile:birthdate form is not simulated).
    const m = HINT.exec(loginHint ?? '');
    if (!loginHint || !m) return { kind: 'page' };
    return { kind: 'page', eidHint: m[1], pid: m[2] };
  },
  claimsOf({ pid, eid, person, scope, session }) {
    const altsub = altsubOf(pid);
    // sid: Keycloak's session id; tid: BankID's transaction id (input to its fraud-data service).
    const claims: Record<string, unknown> = { typ: 'ID', bankid_altsub: altsub, tid: randomUUID(), sid: session ?? randomUUID() };
    const given = person?.givenName;
    const family = person?.familyName;
    // A biometric login uses no BankID certificate: no originator, no certificate details.
    if (eid.id !== 'bis') {
      claims.originator = ORIGINATOR;
      claims.additionalCertInfo = {
        certValidFrom: CERT_FROM * 1000,
        certValidTo: CERT_TO * 1000,
        keyAlgorithm: 'RSA',
        keySize: '2048',
        policyOid: '2.16.578.1.16.1.12.1.1',
        certQualified: true,
        serialNumber: createHash('sha256').update(`serial|${pid}`).digest('hex').slice(0, 16),
        subjectName: `CN=${family ?? 'Test'}\\, ${given ?? 'Person'},O=TestBank1 AS,C=NO,SERIALNUMBER=${altsub}`,
        versionNumber: '3',
      };
    }
    if (scope.includes('profile')) {
      if (given && family) {
        // The certificate's common name: family name first.
        claims.name = `${family}, ${given}`;
        claims.given_name = given;
        claims.family_name = family;
      }
      const check = checkNin(pid);
      claims.birthdate = person?.birthDate ?? (check.valid ? check.info.birthDate : undefined);
      claims.updated_at = CERT_FROM;
    }
    if (scope.includes('nnin_altsub')) claims.nnin_altsub = pid;
    return claims;
  },
  brand: {
    name: 'BankID',
    tag: 'TEST',
    theme: 'bankid',
    title: { nb: 'Logg inn med BankID (test)', nn: 'Logg inn med BankID (test)', en: 'Log in with BankID (test)' },
    chooseEid: { nb: 'Velg BankID', nn: 'Vel BankID', en: 'Choose a BankID' },
  },
};
