// Shared by the OpenID Provider tests: an OIDC client on the test broker and a login walked over HTTP from
// the relying party's authorization URL, through eidgate and the ID-porten simulator, back to the RP.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { OidcClientInput } from '../src/domain/oidc-clients.ts';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { type Agent, formAction } from './agent.ts';
import type { TestBroker } from './helpers.ts';

export const RP_CALLBACK = 'https://rp.example/callback';
export const RP_LOGGED_OUT = 'https://rp.example/logged-out';
export const OIDC_SECRET = 'oidc-client-secret-0123456789-abcdefghij';

export async function oidcClient(t: TestBroker, input: OidcClientInput = {}) {
  const { client, secret } = await t.broker.oidcClients.create(
    t.accountId,
    { redirectUris: [RP_CALLBACK], postLogoutRedirectUris: [RP_LOGGED_OUT], ...input },
    input.authMethod === 'private_key_jwt' ? {} : { secret: OIDC_SECRET },
  );
  return { clientId: client.clientId, secret };
}

/** The browser part: from the RP's authorization URL to the RP's redirect URI (not loaded), or to a page. */
export async function walkLogin(
  agent: Agent,
  sim: RunningSimulator,
  authorizationUrl: URL,
  opts: { action?: 'login' | 'cancel'; stopAt?: string } = {},
): Promise<string> {
  const stopAt = opts.stopAt ?? RP_CALLBACK;
  const atProvider = await agent.follow(authorizationUrl, {}, stopAt);
  if (atProvider.response === undefined) return atProvider.url;
  assert.equal(atProvider.response.status, 200, atProvider.body.slice(0, 500));
  const form: Record<string, string> =
    opts.action === 'cancel' ? { action: 'cancel' } : { action: 'login', eid: 'bankid', person: sim.people[0]!.pid };
  const back = await agent.follow(formAction(atProvider.body, atProvider.url), { form }, stopAt);
  assert.equal(
    back.response,
    undefined,
    `expected a redirect to ${stopAt}, got ${back.response?.status} at ${back.url}: ${back.body.slice(0, 500)}`,
  );
  return back.url;
}

/** openid-client's configuration for eidgate's issuer (http on this machine). */
export function discover(t: TestBroker, clientId: string, auth: oidc.ClientAuth, metadata: Partial<oidc.ClientMetadata> = {}) {
  return oidc.discovery(new URL(`${t.config.publicUrl}/auth/open`), clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] });
}
