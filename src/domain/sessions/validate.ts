// The checks on a session request that a JSON schema cannot express: callback hosts and schemes, and
// whether the account can serve the flow with the providers it names. Each failure names its field.
import type { InvalidParam } from '../../errors/index.ts';
import type { CallbackUrls, SessionRequest } from '../../model/session.ts';
import { isLoopbackHost } from '../../shared/url.ts';
import { findProvider, PROVIDERS, type ProviderDefinition } from '../providers/registry.ts';

/** Callback URLs: absolute, https (http only on this machine), no credentials, on an allowed domain. */
export function checkCallbackUrls(urls: CallbackUrls, domains: string[], bad: InvalidParam[]): CallbackUrls {
  const normalised = { ...urls };
  for (const kind of ['success', 'abort', 'error'] as const) {
    const name = `callbackUrls.${kind}`;
    let u: URL;
    try {
      u = new URL(urls[kind]);
    } catch {
      bad.push({ name, reason: 'must be an absolute URL' });
      continue;
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
      bad.push({ name, reason: 'must use https (http is allowed only on localhost)' });
    } else if (u.username || u.password) {
      bad.push({ name, reason: 'must not carry credentials' });
    } else if (!domains.includes(u.hostname.replace(/^\[|\]$/g, ''))) {
      bad.push({ name, reason: `host ${u.hostname} is not an allowed callback domain of this account` });
    }
    normalised[kind] = u.href;
  }
  return normalised;
}

/**
 * The providers the session may use must exist for this account and serve its flow; a provider the account
 * has not configured is refused here, at create time, not on a page the person sees later.
 */
export async function checkProviders(
  request: SessionRequest,
  isConfigured: (providerId: string) => Promise<boolean>,
  bad: InvalidParam[],
): Promise<void> {
  const named = request.allowedProviders;
  if (!named) {
    // Any provider the account has will do: stop at the first one.
    for (const p of PROVIDERS) if (servesFlow(p, request) && (await isConfigured(p.id))) return;
    bad.push({ name: 'allowedProviders', reason: 'no identity provider is configured for this account' });
    return;
  }
  const problems: string[] = [];
  for (const id of named) {
    const provider = findProvider(id);
    if (!provider) problems.push(`${id} is not a provider of eidgate`);
    else if (!servesFlow(provider, request)) problems.push(`${id} does not support the ${request.flow} flow`);
    else if (!(await isConfigured(id))) problems.push(`${id} is not configured for this account`);
  }
  if (problems.length > 0) bad.push({ name: 'allowedProviders', reason: problems.join('; ') });
}

const servesFlow = (p: ProviderDefinition, request: SessionRequest) => (p.flows as readonly string[]).includes(request.flow);

/** The flows eidgate serves today. */
export function checkFlow(request: SessionRequest, bad: InvalidParam[]): boolean {
  if (request.flow === 'redirect') return true;
  bad.push({ name: 'flow', reason: `${request.flow} is not supported by eidgate yet; use redirect` });
  return false;
}
