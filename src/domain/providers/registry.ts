// THE provider registry: every eID eidgate brokers is declared here once. The API schema's allowedProviders
// enum and attribute list, the chooser's labels, the CLI (`providers set`), the per-provider environment
// overrides, redirect URIs, the development account's configuration and the OpenAPI document all read it.
// Adding a provider means one entry here plus its adapter and its tests.
import { type AttributeName, IDPORTEN_ATTRIBUTES, NBID_ATTRIBUTES, PERSON_ATTRIBUTES, SBID_ATTRIBUTES } from '../../model/attributes.ts';
import type { PageLang } from '../../model/languages.ts';
import type { Flow } from '../../model/session.ts';
import type { PrefilledField } from '../../model/session-request.ts';
import type { Clock } from '../clock.ts';
import type { ProviderAdapter } from './adapter.ts';
import { NBID_IDPS, NBID_PROFILE } from './nbid/profile.ts';
import { OidcEidAdapter } from './oidc-eid/adapter.ts';
import { ID_PORTEN_PROFILE } from './oidc-eid/claims.ts';
import { SbidAdapter } from './sbid/adapter.ts';

export interface AdapterDeps {
  timeoutMs: number;
  clock: Clock;
}

/** The simulator profiles a provider can be simulated by (the names src/simulator uses; no import of it). */
export type SimulatedAs = 'idporten' | 'bankid' | 'sbid';

export interface ProviderDefinition {
  readonly id: string;
  /** The provider's name on the chooser, per page language. */
  readonly labels: Readonly<Record<PageLang, string>>;
  /** The provider's short name, drawn on its badge on the chooser. */
  readonly mark?: string;
  /** One line under its name on the chooser, per page language. */
  readonly taglines?: Readonly<Record<PageLang, string>>;
  /** One line for the API reference. */
  readonly description: string;
  /**
   * What the operator configures: an OpenID Connect client (issuer, client id, secret or key, PAR), or a
   * BankID relying party (the RP API's URL, BankID's CA, the RP certificate; Swedish BankID).
   */
  readonly configKind: 'oidc' | 'bankid-rp';
  /**
   * The flows this provider can serve (Signicat's `flow`). In the embedded flow eidgate's own pages are
   * framed; a provider whose login page must not be framed (ID-porten) opens in a window of its own.
   */
  readonly flows: readonly Flow[];
  /** The `additionalParameters` keys this provider understands; none means it ignores every key. */
  readonly additionalParameters: Readonly<Record<string, { readonly description: string; readonly values?: readonly string[] }>>;
  /** The `prefilledInput` fields this provider takes as a hint; the adapter receives only these. */
  readonly prefill: readonly PrefilledField[];
  /** The subject attributes this provider can deliver. */
  readonly attributes: readonly AttributeName[];
  /** Environment variables `<prefix>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_CLIENT_AUTH` override every account. */
  readonly envPrefix: string;
  /**
   * The built-in simulator's profile this provider is configured against for the development account
   * (`idporten`: the ID-porten simulator; `bankid`: its BankID Norge profile; `sbid`: the Swedish BankID
   * simulator's RP API); undefined for none.
   */
  readonly simulated: SimulatedAs | undefined;
  createAdapter(deps: AdapterDeps): ProviderAdapter;
}

const ID_PORTEN_ATTRIBUTES = [...PERSON_ATTRIBUTES, ...IDPORTEN_ATTRIBUTES] as const satisfies readonly AttributeName[];

export const PROVIDERS = [
  {
    id: 'idporten',
    labels: {
      nb: 'ID-porten (MinID, BankID, Buypass, Commfides)',
      nn: 'ID-porten (MinID, BankID, Buypass, Commfides)',
      en: 'ID-porten (MinID, BankID, Buypass, Commfides)',
    },
    mark: 'ID-porten',
    taglines: {
      nb: 'Innlogging til offentlige tjenester.',
      nn: 'Innlogging til offentlege tenester.',
      en: 'Log in to public services.',
    },
    description: "Digdir's ID-porten: MinID, BankID, Buypass and Commfides for Norwegian public services.",
    configKind: 'oidc',
    flows: ['redirect', 'embedded'],
    additionalParameters: {},
    prefill: [],
    attributes: ID_PORTEN_ATTRIBUTES,
    envPrefix: 'IDPORTEN',
    simulated: 'idporten',
    createAdapter: (deps) => new OidcEidAdapter(deps, ID_PORTEN_PROFILE),
  },
  {
    id: 'ansattporten',
    labels: { nb: 'Ansattporten (som ansatt)', nn: 'Ansattporten (som tilsett)', en: 'Ansattporten (as an employee)' },
    mark: 'Ansattporten',
    taglines: {
      nb: 'Logg inn på vegne av arbeidsgiveren din.',
      nn: 'Logg inn på vegner av arbeidsgjevaren din.',
      en: 'Log in on behalf of your employer.',
    },
    description: "Digdir's Ansattporten: the same eIDs as ID-porten, for logging in as an employee.",
    configKind: 'oidc',
    flows: ['redirect', 'embedded'],
    additionalParameters: {},
    prefill: [],
    attributes: ID_PORTEN_ATTRIBUTES,
    envPrefix: 'ANSATTPORTEN',
    simulated: 'idporten',
    createAdapter: (deps) => new OidcEidAdapter(deps, ID_PORTEN_PROFILE),
  },
  {
    id: 'nbid',
    labels: { nb: 'BankID', nn: 'BankID', en: 'BankID (Norwegian)' },
    mark: 'BankID',
    taglines: {
      nb: 'Med kodebrikke, app eller biometri.',
      nn: 'Med kodebrikke, app eller biometri.',
      en: 'With a code device, the app or biometrics.',
    },
    description:
      "BankID Norge's OpenID Connect provider: BankID with code device or app (BID, high), BankID on mobile (BIM, high) and BankID with biometrics (BIS, substantial).",
    configKind: 'oidc',
    flows: ['redirect', 'embedded'],
    additionalParameters: {
      nbid_idp: {
        description: 'Which BankID the person uses (login_hint): BID (code device or app), BIM (on mobile) or BIS (biometrics).',
        values: NBID_IDPS,
      },
      nbid_stepup: {
        description: 'high: a biometric login (BIS) steps up to BankID High, so the session reaches loa high.',
        values: ['high'],
      },
    },
    prefill: [],
    attributes: [...PERSON_ATTRIBUTES, ...NBID_ATTRIBUTES],
    envPrefix: 'NBID',
    simulated: 'bankid',
    createAdapter: (deps) => new OidcEidAdapter(deps, NBID_PROFILE),
  },
  {
    id: 'sbid',
    labels: { nb: 'BankID (svensk)', nn: 'BankID (svensk)', en: 'BankID (Swedish)' },
    mark: 'BankID SE',
    taglines: {
      nb: 'Med BankID-appen på mobil eller datamaskin.',
      nn: 'Med BankID-appen på mobil eller datamaskin.',
      en: 'With the BankID app on your phone or computer.',
    },
    description:
      "Swedish BankID on BankID's RP API v6 (mutual TLS): an animated QR code for another device, or the app opened on this one. The only provider of the headless flow.",
    configKind: 'bankid-rp',
    flows: ['redirect', 'headless'],
    additionalParameters: {
      sbid_flow: {
        description:
          'Headless: QR (the service shows the QR code from idpData.qrData, refreshed every second) or APP_LAUNCH (it opens the app with idpData.autoStartToken).',
        values: ['QR', 'APP_LAUNCH'],
      },
      sbid_end_user_ip: {
        description: "Headless: the person's IP address as the service saw it (BankID's endUserIp); required for the headless flow.",
      },
    },
    prefill: [],
    attributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', ...SBID_ATTRIBUTES],
    envPrefix: 'SBID',
    simulated: 'sbid',
    createAdapter: (deps) => new SbidAdapter(deps),
  },
] as const satisfies readonly ProviderDefinition[];

export type ProviderId = (typeof PROVIDERS)[number]['id'];
export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((p) => p.id);

const BY_ID = new Map<string, ProviderDefinition>(PROVIDERS.map((p) => [p.id, p]));

export const findProvider = (id: string): ProviderDefinition | undefined => BY_ID.get(id);
export const isProviderId = (id: string): id is ProviderId => BY_ID.has(id);

/** Every attribute some provider can deliver: the enum of requestedAttributes. */
export const DELIVERABLE_ATTRIBUTES: readonly AttributeName[] = [...new Set(PROVIDERS.flatMap((p) => p.attributes))];

/** Where a redirect provider sends the browser back. */
export const callbackPath = (providerId: string): string => `/auth/callback/${providerId}`;
