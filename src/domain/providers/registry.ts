// THE provider registry: every eID eidgate brokers is declared here once. The API schema's allowedProviders
// enum and attribute list, the chooser's labels, the CLI (`providers set`), the per-provider environment
// overrides, redirect URIs, the development account's configuration and the OpenAPI document all read it.
// Adding a provider means one entry here plus its adapter and its tests.
import { type AttributeName, IDPORTEN_ATTRIBUTES, PERSON_ATTRIBUTES } from '../../model/attributes.ts';
import type { PageLang } from '../../model/languages.ts';
import type { Flow } from '../../model/session.ts';
import type { PrefilledField } from '../../model/session-request.ts';
import type { Clock } from '../clock.ts';
import type { ProviderAdapter } from './adapter.ts';
import { OidcEidAdapter } from './oidc-eid/adapter.ts';

export interface AdapterDeps {
  timeoutMs: number;
  clock: Clock;
}

export interface ProviderDefinition {
  readonly id: string;
  /** The provider's name on the chooser, per page language. */
  readonly labels: Readonly<Record<PageLang, string>>;
  /** One line for the API reference. */
  readonly description: string;
  /** What the operator configures: an OpenID Connect client (issuer, client id, secret or key, PAR). */
  readonly configKind: 'oidc';
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
  /** Configured against the built-in ID-porten simulator for the development account. */
  readonly simulated: boolean;
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
    description: "Digdir's ID-porten: MinID, BankID, Buypass and Commfides for Norwegian public services.",
    configKind: 'oidc',
    flows: ['redirect', 'embedded'],
    additionalParameters: {},
    prefill: [],
    attributes: ID_PORTEN_ATTRIBUTES,
    envPrefix: 'IDPORTEN',
    simulated: true,
    createAdapter: (deps) => new OidcEidAdapter(deps),
  },
  {
    id: 'ansattporten',
    labels: { nb: 'Ansattporten (som ansatt)', nn: 'Ansattporten (som tilsett)', en: 'Ansattporten (as an employee)' },
    description: "Digdir's Ansattporten: the same eIDs as ID-porten, for logging in as an employee.",
    configKind: 'oidc',
    flows: ['redirect', 'embedded'],
    additionalParameters: {},
    prefill: [],
    attributes: ID_PORTEN_ATTRIBUTES,
    envPrefix: 'ANSATTPORTEN',
    simulated: true,
    createAdapter: (deps) => new OidcEidAdapter(deps),
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
