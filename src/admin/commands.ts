// The administration commands, one entry each: how many positional arguments it takes and what it runs.
// The CLI runs them against the store, or sends them to the running broker's admin API, which runs the
// very same entries (src/http/admin/routes.ts): one table, so the two cannot drift apart. Each command
// validates its own options; values it cannot use are refused with exit code 1 (AppError).
import type { Sealer } from '../crypto.ts';
import type { Accounts } from '../domain/accounts.ts';
import { systemClock } from '../domain/clock.ts';
import { resealStore } from '../domain/encryption-keys.ts';
import { KeyRing } from '../domain/keys.ts';
import { ProviderConfigs } from '../domain/providers/configs.ts';
import { type OidcClientInput, OidcClients, type OidcClientView } from '../domain/oidc-clients.ts';
import { errors } from '../errors/index.ts';
import type { Branding, Store } from '../store/index.ts';
import type { SubscriptionView, Webhooks } from '../domain/webhooks/subscriptions.ts';

export class UsageError extends Error {}

export interface CommandContext {
  args: string[];
  values: {
    name?: string | undefined;
    id?: string | undefined;
    'callback-domain'?: string[] | undefined;
    account?: string | undefined;
    permission?: string[] | undefined;
    'token-lifetime'?: string | undefined;
    issuer?: string | undefined;
    'client-id'?: string | undefined;
    'client-secret'?: string | undefined;
    'private-key-file'?: string | undefined;
    'bankid-api'?: string | undefined;
    'ca-file'?: string | undefined;
    'pfx-file'?: string | undefined;
    'pfx-passphrase'?: string | undefined;
    'cert-file'?: string | undefined;
    'key-file'?: string | undefined;
    'launch-url'?: string | undefined;
    'client-auth'?: string | undefined;
    par?: string | undefined;
    url?: string | undefined;
    event?: string[] | undefined;
    tag?: string[] | undefined;
    'overlap-seconds'?: string | undefined;
    scope?: string | undefined;
    acr?: string[] | undefined;
    'acr-map'?: string[] | undefined;
    claims?: string | undefined;
    'claims-file'?: string | undefined;
    label?: string[] | undefined;
    'id-token-alg'?: string | undefined;
    'display-name'?: string[] | undefined;
    'logo-url'?: string | undefined;
    'help-url'?: string | undefined;
    'contact-url'?: string | undefined;
    'privacy-url'?: string | undefined;
    primary?: string | undefined;
    background?: string | undefined;
    header?: string | undefined;
    font?: string | undefined;
    corners?: string | undefined;
    'redirect-uri'?: string[] | undefined;
    'post-logout-uri'?: string[] | undefined;
    jwks?: string | undefined;
    'jwks-uri'?: string | undefined;
    provider?: string[] | undefined;
    level?: string[] | undefined;
    'default-level'?: string | undefined;
    claim?: string[] | undefined;
    'id-token-lifetime'?: string | undefined;
    pkce?: string | undefined;
    subject?: string | undefined;
  };
  store: Store;
  accounts: Accounts;
  /** The sealing key, resolved only by commands that need it. */
  sealer: () => Sealer;
  /** Webhook subscriptions (needs the sealing key: secrets are sealed). */
  webhooks: () => Webhooks;
  /** Prints the result: JSON with --json, else the human line. */
  out: (value: unknown, human: () => string) => void;
}

interface Command {
  /** Number of positional arguments after the command's two words. */
  args: number;
  run(ctx: CommandContext, arg: (i: number) => string): Promise<void>;
}

const accountLine = (a: { id: string; callbackDomains: string[]; requestDomains: string[] }) =>
  `${a.id} callback domains: ${a.callbackDomains.join(', ') || '(none)'}; request domains: ${a.requestDomains.join(', ') || '(none)'}`;

/** The OIDC client options (create and update take the same; an option not given is left as it is). */
function oidcClientInput(values: CommandContext['values']): OidcClientInput {
  const onOff = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (v !== 'on' && v !== 'off') throw new UsageError(`--${name} must be on or off`);
    return v === 'on';
  };
  let jwks: unknown;
  if (values.jwks !== undefined) {
    try {
      jwks = JSON.parse(values.jwks);
    } catch {
      throw new UsageError('--jwks must be a JSON Web Key Set ({"keys": [...]})');
    }
  }
  const lifetime = values['id-token-lifetime'];
  if (lifetime !== undefined && !/^[0-9]+$/.test(lifetime)) throw new UsageError('--id-token-lifetime must be whole seconds');
  return {
    name: values.name,
    redirectUris: values['redirect-uri'],
    postLogoutRedirectUris: values['post-logout-uri'],
    authMethod: values['client-auth'],
    jwks,
    jwksUri: values['jwks-uri'],
    allowedProviders: values.provider,
    allowedLevels: values.level,
    defaultLevel: values['default-level'],
    claims: values.claim,
    idTokenLifetime: lifetime === undefined ? undefined : Number(lifetime),
    idTokenAlg: values['id-token-alg'],
    pkceRequired: onOff('pkce', values.pkce),
    subjectType: values.subject,
  };
}

const oidcClientLine = (c: OidcClientView) =>
  `${c.clientId} (${c.name}) account ${c.accountId}; ${c.authMethod}; redirect URIs: ${c.redirectUris.join(', ')}; providers: ${
    c.allowedProviders.join(', ') || '(all of the account)'
  }; levels: ${c.allowedLevels.join(', ')}; subject: ${c.subjectType}; PKCE: ${c.pkceRequired ? 'required' : 'off'}`;

export const COMMANDS: Record<string, Command> = {
  'accounts list': {
    args: 0,
    async run({ accounts, out }) {
      const list = await accounts.listAccounts();
      out(list, () => list.map((a) => `${a.id}\t${a.name}\t${a.callbackDomains.join(',')}`).join('\n') || '(no accounts)');
    },
  },
  'accounts create': {
    args: 0,
    async run({ accounts, values, out }) {
      if (!values.name) throw new UsageError('--name is required');
      const a = await accounts.createAccount({ name: values.name, id: values.id, callbackDomains: values['callback-domain'] ?? [] });
      out(a, () => `created account ${a.id}`);
    },
  },
  'accounts add-domain': {
    args: 2,
    async run({ accounts, out }, arg) {
      const a = await accounts.addCallbackDomain(arg(0), arg(1));
      out(a, () => accountLine(a));
    },
  },
  'accounts remove-domain': {
    args: 2,
    async run({ accounts, out }, arg) {
      const a = await accounts.removeCallbackDomain(arg(0), arg(1));
      out(a, () => accountLine(a));
    },
  },
  'accounts add-request-domain': {
    args: 2,
    async run({ accounts, out }, arg) {
      const a = await accounts.addRequestDomain(arg(0), arg(1));
      out(a, () => accountLine(a));
    },
  },
  'accounts remove-request-domain': {
    args: 2,
    async run({ accounts, out }, arg) {
      const a = await accounts.removeRequestDomain(arg(0), arg(1));
      out(a, () => accountLine(a));
    },
  },
  'accounts set-branding': {
    args: 1,
    async run({ accounts, values, out }, arg) {
      const a = await accounts.setBranding(arg(0), brandingChange(values));
      out({ id: a.id, branding: a.branding }, () => `${a.id} ${brandingLine(a.branding, `account name: ${a.name}`)}`);
    },
  },
  'themes list': {
    args: 1,
    async run({ accounts, out }, arg) {
      const a = await accounts.getAccount(arg(0));
      const themes = a.branding.themes ?? {};
      out(
        { accountId: a.id, defaultTheme: a.branding.defaultTheme ?? null, themes },
        () =>
          Object.entries(themes)
            .map(
              ([id, th]) =>
                `${id}${id === a.branding.defaultTheme ? ' (default)' : ''}\tprimary ${th.primary} background ${th.background} header ${th.header} font ${th.font} corners ${th.corners}${th.logoUrl ? ' logo' : ''}`,
            )
            .join('\n') || '(no themes)',
      );
    },
  },
  'themes set': {
    args: 2,
    async run({ accounts, values, out }, arg) {
      const a = await accounts.setTheme(arg(0), arg(1), {
        primary: values.primary,
        background: values.background,
        header: values.header,
        font: values.font,
        corners: values.corners,
        logoUrl: values['logo-url'],
      });
      const th = a.branding.themes?.[arg(1)];
      out({ accountId: a.id, themeId: arg(1), theme: th }, () => `theme ${arg(1)} of ${a.id}: ${JSON.stringify(th)} (contrast checked)`);
    },
  },
  'themes remove': {
    args: 2,
    async run({ accounts, out }, arg) {
      await accounts.removeTheme(arg(0), arg(1));
      out({ accountId: arg(0), themeId: arg(1), removed: true }, () => `removed theme ${arg(1)} from ${arg(0)}`);
    },
  },
  'themes default': {
    args: 2,
    async run({ accounts, out }, arg) {
      const a = await accounts.setDefaultTheme(arg(0), arg(1));
      out(
        { accountId: a.id, defaultTheme: a.branding.defaultTheme ?? null },
        () => `default theme of ${a.id}: ${a.branding.defaultTheme ?? '(none)'}`,
      );
    },
  },
  'clients list': {
    args: 0,
    async run({ accounts, values, out }) {
      const list = (await accounts.listClients(values.account)).map(({ secrets, ...c }) => ({
        ...c,
        secrets: secrets.map(({ hash: _hash, ...s }) => s),
      }));
      const live = (c: (typeof list)[number]) =>
        c.secrets
          .filter((s) => !s.revokedAt)
          .map((s) => `${s.id}(${s.hint}…)`)
          .join(' ');
      out(
        list,
        () =>
          list
            .map(
              (c) =>
                `${c.clientId}\t${c.accountId}\t${c.disabled ? 'disabled' : 'enabled'}\t${c.permissions.join(',')}\tsecrets: ${live(c)}`,
            )
            .join('\n') || '(no clients)',
      );
    },
  },
  'clients create': {
    args: 0,
    async run({ accounts, values, out }) {
      if (!values.account) throw new UsageError('--account is required');
      const lifetime = values['token-lifetime'] === undefined ? undefined : Number(values['token-lifetime']);
      const { client, secret } = await accounts.createClient({
        accountId: values.account,
        name: values.name,
        permissions: values.permission,
        tokenLifetime: lifetime,
      });
      out(
        {
          clientId: client.clientId,
          accountId: client.accountId,
          clientSecret: secret,
          permissions: client.permissions,
          tokenLifetime: client.tokenLifetime,
        },
        () => `created API client\n  client_id:     ${client.clientId}\n  client_secret: ${secret}\n  (the secret is shown only now)`,
      );
    },
  },
  'clients disable': { args: 1, run: (ctx, arg) => setDisabled(ctx, arg(0), true) },
  'clients enable': { args: 1, run: (ctx, arg) => setDisabled(ctx, arg(0), false) },
  'secrets add': {
    args: 1,
    async run({ accounts, out }, arg) {
      const s = await accounts.addClientSecret(arg(0));
      out({ clientId: arg(0), ...s }, () => `added secret ${s.secretId} to ${arg(0)}\n  client_secret: ${s.secret}\n  (shown only now)`);
    },
  },
  'secrets revoke': {
    args: 2,
    async run({ accounts, out }, arg) {
      await accounts.revokeClientSecret(arg(0), arg(1));
      out({ clientId: arg(0), secretId: arg(1), revoked: true }, () => `revoked ${arg(1)}`);
    },
  },
  'keys list': {
    args: 0,
    async run({ store, out }) {
      const list = (await store.signingKeys.list()).map((k) => ({
        kid: k.kid,
        alg: k.alg,
        createdAt: k.createdAt,
        retiredAt: k.retiredAt,
      }));
      out(list, () => list.map((k) => `${k.kid}\t${k.alg}\t${k.retiredAt ? `retired ${k.retiredAt.toISOString()}` : 'live'}`).join('\n'));
    },
  },
  'keys rotate': {
    args: 0,
    async run({ store, sealer, out }) {
      const keys = new KeyRing(store, sealer(), systemClock);
      await keys.init();
      const r = await keys.rotate();
      out(
        r,
        () =>
          `new signing key ${r.kid}; retired ${r.retired.join(', ') || 'none'}; deleted ${r.deleted} old key(s). Running brokers pick it up within 30 s.`,
      );
    },
  },
  'keys reseal': {
    args: 0,
    async run({ store, sealer, out }) {
      const report = await resealStore(store, sealer());
      const rows = Object.entries(report);
      out(report, () =>
        rows
          .map(
            ([column, c]) =>
              `${column}: ${c.resealed} re-sealed of ${c.scanned}${c.unreadable ? `, ${c.unreadable} opened by no key` : ''}`,
          )
          .join('\n'),
      );
      const unreadable = rows.reduce((n, [, c]) => n + c.unreadable, 0);
      if (unreadable > 0)
        throw errors.conflict(`${unreadable} sealed value(s) open with no configured key and were left as they are; keep the old keys`);
    },
  },
  'providers list': {
    args: 1,
    async run({ store, accounts, sealer, out }, arg) {
      await accounts.getAccount(arg(0));
      const list = await new ProviderConfigs(store, sealer()).list(arg(0));
      out(list, () => list.map((p) => `${p.providerId}\t${p.issuer}\t${p.clientId}\t${p.clientAuth}\tpar=${p.par}`).join('\n') || '(none)');
    },
  },
  'providers set': {
    args: 2,
    async run({ store, accounts, sealer, values, out }, arg) {
      await accounts.getAccount(arg(0));
      const saved = await new ProviderConfigs(store, sealer()).setFromCli(arg(0), arg(1), {
        issuer: values.issuer,
        clientId: values['client-id'],
        clientSecret: values['client-secret'],
        privateKeyFile: values['private-key-file'],
        clientAuth: values['client-auth'],
        par: values.par,
        bankidApi: values['bankid-api'],
        caFile: values['ca-file'],
        pfxFile: values['pfx-file'],
        pfxPassphrase: values['pfx-passphrase'],
        certFile: values['cert-file'],
        keyFile: values['key-file'],
        launchUrl: values['launch-url'],
      });
      out(saved, () =>
        saved.bankid
          ? `${arg(1)} for ${arg(0)}: BankID RP API ${saved.bankid.apiUrl}, app ${saved.bankid.launchUrl}, RP certificate ${saved.hasRpCertificate ? 'set' : 'missing'}`
          : `${arg(1)} for ${arg(0)}: ${saved.issuer} as ${saved.clientId} (${saved.clientAuth}, par=${saved.par})`,
      );
    },
  },
  'webhooks list': {
    args: 0,
    async run({ webhooks, values, out }) {
      const list = await webhooks().list(values.account);
      out(list, () => list.map(subscriptionLine).join('\n') || '(no webhook subscriptions)');
    },
  },
  'webhooks create': {
    args: 0,
    async run({ webhooks, values, out }) {
      if (!values.account) throw new UsageError('--account is required');
      if (!values.url) throw new UsageError('--url is required');
      const r = await webhooks().create(values.account, { url: values.url, eventNames: values.event, tags: values.tag });
      out(r, () => withSecretText('created webhook subscription', r.subscription, r.secret));
    },
  },
  'webhooks disable': { args: 1, run: (ctx, arg) => setEnabled(ctx, arg(0), false) },
  'webhooks enable': { args: 1, run: (ctx, arg) => setEnabled(ctx, arg(0), true) },
  'webhooks delete': {
    args: 1,
    async run({ webhooks, out }, arg) {
      await webhooks().remove(arg(0));
      out({ id: arg(0), deleted: true }, () => `deleted ${arg(0)}`);
    },
  },
  'webhooks rotate-secret': {
    args: 1,
    async run({ webhooks, values, out }, arg) {
      const overlap = values['overlap-seconds'] === undefined ? undefined : Number(values['overlap-seconds']);
      const r = await webhooks().rotateSecret(arg(0), overlap);
      out(
        r,
        () =>
          `${withSecretText('new signing secret for', r.subscription, r.secret)}\n  the previous secret signs too until ${r.subscription.previousSecretValidUntil ?? 'now'}`,
      );
    },
  },
  'webhooks deliveries': {
    args: 1,
    async run({ webhooks, out }, arg) {
      const log = await webhooks().log(arg(0));
      out(
        log,
        () =>
          [
            ...log.deliveries.map(
              (d) =>
                `${d.eventId}\t${d.eventName}\t${d.state}\tattempts ${d.attempts}${d.nextAttemptAt ? `\tnext ${d.nextAttemptAt}` : ''}`,
            ),
            ...log.attempts.map(
              (a) =>
                `  ${a.at} ${a.eventId} #${a.attempt} ${a.outcome} ${a.statusCode ?? '-'} ${a.latencyMs} ms${a.error ? ` ${a.error}` : ''}`,
            ),
          ].join('\n') || '(no deliveries)',
      );
    },
  },
  'webhooks redeliver': {
    args: 2,
    async run({ webhooks, out }, arg) {
      await webhooks().redeliver(arg(0), arg(1));
      out({ id: arg(0), eventId: arg(1), queued: true }, () => `queued ${arg(1)} for ${arg(0)} again`);
    },
  },
  'providers add-oidc': {
    args: 2,
    async run({ store, accounts, sealer, values, out }, arg) {
      await accounts.getAccount(arg(0));
      const saved = await new ProviderConfigs(store, sealer()).addGeneric(arg(0), arg(1), {
        issuer: values.issuer,
        clientId: values['client-id'],
        clientSecret: values['client-secret'],
        privateKeyFile: values['private-key-file'],
        clientAuth: values['client-auth'],
        par: values.par,
        scope: values.scope,
        acr: values.acr,
        acrMap: values['acr-map'],
        claims: values.claims,
        claimsFile: values['claims-file'],
        label: values.label,
        idTokenAlg: values['id-token-alg'],
      });
      out(
        saved,
        () =>
          `${arg(1)} for ${arg(0)}: ${saved.issuer} as ${saved.clientId} (${saved.clientAuth}, par=${saved.par}); maps ${Object.keys(saved.generic?.claims ?? {}).join(', ')}; callback /auth/callback/${arg(1)}`,
      );
    },
  },
  'providers remove': {
    args: 2,
    async run({ store, accounts, sealer, out }, arg) {
      await accounts.getAccount(arg(0));
      await new ProviderConfigs(store, sealer()).remove(arg(0), arg(1));
      out({ accountId: arg(0), providerId: arg(1), removed: true }, () => `removed ${arg(1)} from ${arg(0)}`);
    },
  },
  'oidc-clients list': {
    args: 1,
    async run({ store, out }, arg) {
      const list = await new OidcClients(store).list(arg(0));
      out(list, () => list.map(oidcClientLine).join('\n') || '(no OIDC clients)');
    },
  },
  'oidc-clients create': {
    args: 1,
    async run({ store, values, out }, arg) {
      const { client, secret } = await new OidcClients(store).create(arg(0), oidcClientInput(values));
      out(
        { ...client, ...(secret ? { clientSecret: secret } : {}) },
        () => `created OIDC client ${client.clientId}${secret ? `\nclient_secret: ${secret}   (shown once)` : ''}`,
      );
    },
  },
  'oidc-clients update': {
    args: 1,
    async run({ store, values, out }, arg) {
      const client = await new OidcClients(store).update(arg(0), oidcClientInput(values));
      out(client, () => oidcClientLine(client));
    },
  },
  'oidc-clients set-branding': {
    args: 1,
    async run({ store, values, out }, arg) {
      const c = await new OidcClients(store).setBranding(arg(0), brandingChange(values));
      const b = c.branding ?? {};
      out({ clientId: c.clientId, branding: b }, () => `${c.clientId} ${brandingLine(b, "the account's")}`);
    },
  },
  'oidc-clients rotate-secret': {
    args: 1,
    async run({ store, out }, arg) {
      const r = await new OidcClients(store).rotateSecret(arg(0));
      out({ clientId: r.clientId, clientSecret: r.secret }, () => `client_secret: ${r.secret}   (shown once; the old one no longer works)`);
    },
  },
  'oidc-clients delete': {
    args: 1,
    async run({ store, out }, arg) {
      await new OidcClients(store).delete(arg(0));
      out({ clientId: arg(0), deleted: true }, () => `deleted OIDC client ${arg(0)}`);
    },
  },
};

/** The branding options of `accounts set-branding` and `oidc-clients set-branding`. */
const brandingChange = (values: CommandContext['values']) => ({
  displayName: values['display-name'],
  logoUrl: values['logo-url'],
  helpUrl: values['help-url'],
  contactUrl: values['contact-url'],
  privacyUrl: values['privacy-url'],
});

const brandingLine = (b: Branding, nameFallback: string) =>
  `display name: ${
    Object.entries(b.displayName ?? {})
      .map(([l, n]) => `${l}=${n}`)
      .join(', ') || `(${nameFallback})`
  }; logo: ${b.logoUrl ? (b.logoUrl.startsWith('data:') ? 'data: image' : b.logoUrl) : '(none)'}; help: ${b.helpUrl ?? '(none)'}; contact: ${b.contactUrl ?? '(none)'}; privacy: ${b.privacyUrl ?? '(none)'}`;

const subscriptionLine = (s: SubscriptionView) =>
  `${s.id}\t${s.accountId}\t${s.enabled ? 'enabled' : `disabled (${s.disabledReason ?? ''})`}\t${s.url}\tevents: ${s.eventNames.join(',') || 'all'}\ttags: ${s.tags.join(',') || 'any'}`;

const withSecretText = (verb: string, s: SubscriptionView, secret: string) =>
  `${verb} ${s.id}\n  ${subscriptionLine(s)}\n  signing secret: ${secret}\n  (shown only now)`;

async function setEnabled({ webhooks, out }: CommandContext, id: string, enabled: boolean): Promise<void> {
  const s = await webhooks().update(id, { enabled });
  out(s, () => subscriptionLine(s));
}

async function setDisabled({ accounts, out }: CommandContext, clientId: string, disabled: boolean): Promise<void> {
  await accounts.setClientDisabled(clientId, disabled);
  out({ clientId, disabled }, () => `${clientId} ${disabled ? 'disabled' : 'enabled'}`);
}
