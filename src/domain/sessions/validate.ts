// The checks on a session request that a JSON schema cannot express: callback hosts and schemes, whether
// the account can serve the flow with the providers it names, provider parameters, prefilled hints,
// embedding parents, themes and request domains. Each failure names its field.
import { isIP } from 'node:net';
import type { InvalidParam } from '../../errors/index.ts';
import type { Account } from '../../store/index.ts';
import type { CallbackUrls, SessionRequest } from '../../model/session.ts';
import { checkNin } from '../../nin.ts';
import { isLoopbackHost } from '../../shared/url.ts';
import { findProvider, PROVIDERS, type ProviderDefinition } from '../providers/registry.ts';

/** One URL the browser may be sent to: absolute, https (http only on this machine), no credentials, on an allowed domain. */
function checkBrowserUrl(name: string, raw: string, domains: string[], bad: InvalidParam[]): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    bad.push({ name, reason: 'must be an absolute URL' });
    return raw;
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
    bad.push({ name, reason: 'must use https (http is allowed only on localhost)' });
  } else if (u.username || u.password) {
    bad.push({ name, reason: 'must not carry credentials' });
  } else if (!domains.includes(u.hostname.replace(/^\[|\]$/g, ''))) {
    bad.push({ name, reason: `host ${u.hostname} is not an allowed callback domain of this account` });
  }
  return u.href;
}

/** Callback URLs: required for the redirect flow; each one checked (a fragment is kept). */
export function checkCallbackUrls(request: SessionRequest, domains: string[], bad: InvalidParam[]): CallbackUrls | undefined {
  const urls = request.callbackUrls;
  if (!urls) {
    if (request.flow === 'redirect') bad.push({ name: 'callbackUrls', reason: 'is required for the redirect flow' });
    return undefined;
  }
  return {
    success: checkBrowserUrl('callbackUrls.success', urls.success, domains, bad),
    abort: checkBrowserUrl('callbackUrls.abort', urls.abort, domains, bad),
    error: checkBrowserUrl('callbackUrls.error', urls.error, domains, bad),
  };
}

/** returnUrl: where a framed journey ends; the same rules as a callback URL. */
export function checkReturnUrl(request: SessionRequest, domains: string[], bad: InvalidParam[]): string | undefined {
  return request.returnUrl === undefined ? undefined : checkBrowserUrl('returnUrl', request.returnUrl, domains, bad);
}

/**
 * The parents that may frame an embedded session, normalised to CSP sources. Required for the embedded
 * flow: a login page any site could frame is a clickjacking target. http only for this machine's hosts.
 */
export function checkEmbeddedParents(request: SessionRequest, bad: InvalidParam[]): string[] | undefined {
  const parents = request.embeddedParentDomains;
  if (request.flow !== 'embedded') return parents;
  if (!parents) {
    bad.push({ name: 'embeddedParentDomains', reason: 'is required for the embedded flow: name the sites that may frame the login' });
    return undefined;
  }
  const out: string[] = [];
  parents.forEach((raw, i) => {
    const name = `embeddedParentDomains[${i}]`;
    const entry = raw.toLowerCase();
    const scheme = /^(https?):\/\//.exec(entry)?.[1];
    const hostPort = entry.replace(/^https?:\/\//, '');
    const [host = '', port] = hostPort.split(':');
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) bad.push({ name, reason: `port ${port} is out of range` });
    else if (scheme === 'http' && !isLoopbackHost(host)) bad.push({ name, reason: 'must use https (http is allowed only on localhost)' });
    else out.push(entry);
  });
  return out;
}

/** Absent or [] means the attributes every eID that identifies a person delivers. */
export const DEFAULT_REQUESTED_ATTRIBUTES = ['nin', 'idpId', 'name', 'firstName', 'lastName', 'dateOfBirth'] as const;

/** prefilledInput: a hint, but a wrong national identity number is the caller's mistake, said now. */
export function checkPrefilledInput(request: SessionRequest, bad: InvalidParam[]): void {
  const nin = request.prefilledInput?.nin;
  if (nin === undefined) return;
  const check = checkNin(nin);
  if (!check.valid) bad.push({ name: 'prefilledInput.nin', reason: `is not a valid national identity number: ${check.reason}` });
}

/**
 * additionalParameters, per provider through the registry: a key belongs to a provider when it starts with
 * `<provider id>_` (Signicat's convention: sbid_flow, nbid_idp). A key of a provider that defines keys must
 * be one of them, with an allowed value; keys of providers that define none are ignored, as Signicat does.
 */
export function checkAdditionalParameters(
  params: Record<string, string> | undefined,
  providers: readonly ProviderDefinition[],
  bad: InvalidParam[],
): void {
  if (!params) return;
  for (const [key, value] of Object.entries(params)) {
    const owner = providers.find((p) => key.startsWith(`${p.id}_`) && Object.keys(p.additionalParameters).length > 0);
    if (!owner) continue;
    const name = `additionalParameters.${key}`;
    const spec = owner.additionalParameters[key];
    if (!spec) {
      bad.push({ name, reason: `is not a parameter of ${owner.id} (known: ${Object.keys(owner.additionalParameters).join(', ')})` });
    } else if (spec.values && !spec.values.includes(value)) {
      bad.push({ name, reason: `must be one of: ${spec.values.join(', ')}` });
    }
  }
}

/** themeId: one of the account's themes (eidgate themes list ACCOUNT_ID). */
export function checkTheme(request: SessionRequest, account: Account, bad: InvalidParam[]): void {
  const id = request.themeId;
  if (id !== undefined && !Object.hasOwn(account.branding.themes ?? {}, id)) {
    const known = Object.keys(account.branding.themes ?? {});
    bad.push({
      name: 'themeId',
      reason: `theme ${id} does not exist for this account${known.length ? ` (its themes: ${known.join(', ')})` : ' (it has no themes)'}`,
    });
  }
}

/** requestDomain: one of the account's request domains, or the broker's own host. */
export function checkRequestDomain(request: SessionRequest, account: Account, publicHost: string, bad: InvalidParam[]): string | undefined {
  const domain = request.requestDomain?.toLowerCase();
  if (domain === undefined || domain === publicHost) return domain;
  if (!account.requestDomains.includes(domain)) {
    bad.push({
      name: 'requestDomain',
      reason: `${domain} is not a request domain of this account (eidgate accounts add-request-domain ${account.id} ${domain})`,
    });
  }
  return domain;
}

/** The built-in providers a session names (or every one): whose additionalParameters it may carry. */
export const providersOf = (request: SessionRequest): ProviderDefinition[] =>
  request.allowedProviders ? request.allowedProviders.flatMap((id) => findProvider(id) ?? []) : [...PROVIDERS];

/** What checkProviders asks of the account: whether it has configured a provider, and its generic providers. */
export interface AccountProviders {
  /** A built-in provider's id, or one of the account's generic providers'. */
  isConfigured(providerId: string): Promise<boolean>;
  genericIds(): Promise<string[]>;
}

/**
 * The providers the session may use must exist for this account and serve its flow; a provider the account
 * has not configured is refused here, at create time, not on a page the person sees later. An id that is
 * neither built in nor one of this account's generic providers is unknown here, whoever else has it.
 */
export async function checkProviders(request: SessionRequest, account: AccountProviders, bad: InvalidParam[]): Promise<void> {
  const named = request.allowedProviders;
  if (!named) {
    // Any provider the account has will do: stop at the first one. Generic providers serve both flows.
    for (const p of PROVIDERS) if (servesFlow(p, request) && (await account.isConfigured(p.id))) return;
    if ((await account.genericIds()).length > 0) return;
    bad.push({ name: 'allowedProviders', reason: 'no identity provider is configured for this account' });
    return;
  }
  const problems: string[] = [];
  const flowProblems: string[] = [];
  for (const [i, id] of named.entries()) {
    const provider = findProvider(id);
    if (!provider) {
      if (await account.isConfigured(id)) continue;
      // The same answer whether another account has a provider of this id or none has: ids do not leak.
      const known = [...PROVIDERS.map((p) => p.id), ...(await account.genericIds())];
      bad.push({
        name: `allowedProviders[${i}]`,
        reason: `${id} is not a provider of eidgate or of this account: must be one of ${known.join(', ')}`,
      });
    } else if (!servesFlow(provider, request)) {
      // Headless is a property of the eID (it must not need the browser): the request's flow is what is wrong.
      if (request.flow === 'headless') flowProblems.push(`${id} does not support the headless flow`);
      else problems.push(`${id} does not support the ${request.flow} flow`);
    } else if (!(await account.isConfigured(id))) problems.push(`${id} is not configured for this account`);
  }
  if (flowProblems.length > 0) {
    const able = PROVIDERS.filter((p) => servesFlow(p, request)).map((p) => p.id);
    bad.push({ name: 'flow', reason: `${flowProblems.join('; ')} (headless: ${able.join(', ')})` });
  }
  if (problems.length > 0) bad.push({ name: 'allowedProviders', reason: problems.join('; ') });
}

const servesFlow = (p: ProviderDefinition, request: SessionRequest) => (p.flows as readonly string[]).includes(request.flow);

/** Every flow is served; which providers serve it is checkProviders'. */
export function checkFlow(request: SessionRequest, _bad: InvalidParam[]): boolean {
  return (['redirect', 'embedded', 'headless'] as const).includes(request.flow);
}

/**
 * The headless flow starts the provider's order at create: one provider, named (Signicat's headless requests
 * name theirs), and for Swedish BankID the person's IP address (sbid_end_user_ip), which only the service saw.
 */
export function checkHeadless(request: SessionRequest, bad: InvalidParam[]): void {
  if (request.flow !== 'headless') return;
  if (request.allowedProviders?.length !== 1) {
    bad.push({ name: 'allowedProviders', reason: 'the headless flow needs exactly one provider (e.g. ["sbid"])' });
    return;
  }
  if (request.allowedProviders[0] === 'sbid') {
    const ip = request.additionalParameters?.sbid_end_user_ip;
    if (ip === undefined) {
      bad.push({ name: 'additionalParameters.sbid_end_user_ip', reason: "is required for the headless flow: the person's IP address" });
    } else if (!isIP(ip)) {
      bad.push({ name: 'additionalParameters.sbid_end_user_ip', reason: 'must be an IPv4 or IPv6 address' });
    }
  }
}
