// `eidgate` / `npm run eidgate -- …`: administration on the same store the broker uses.
// Exit codes: 0 done, 1 refused (not found, conflict, bad value), 2 usage or configuration error.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../config.ts';
import { Sealer } from '../crypto.ts';
import { Accounts } from '../domain/accounts.ts';
import { systemClock } from '../domain/clock.ts';
import { PROVIDER_IDS } from '../domain/providers/registry.ts';
import { Webhooks } from '../domain/webhooks/subscriptions.ts';
import { EVENT_NAMES } from '../domain/events/envelope.ts';
import { resolveEncryptionKey } from '../encryption-key.ts';
import { isAppError } from '../errors/index.ts';
import { createLogger } from '../log.ts';
import { Store } from '../store/index.ts';
import { COMMANDS, type CommandContext, UsageError } from '../admin/commands.ts';
import { liveEndpoint } from '../admin/endpoint.ts';
import { runRemote } from './remote.ts';

const USAGE = `eidgate — administration of an eidgate store (the one DATABASE_URL or DATA_DIR names)

  eidgate accounts list
  eidgate accounts create --name NAME [--id a-…] [--callback-domain HOST]…
  eidgate accounts add-domain ACCOUNT_ID HOST
  eidgate accounts remove-domain ACCOUNT_ID HOST
  eidgate accounts add-request-domain ACCOUNT_ID HOST      (a host authenticationUrl may use: requestDomain)
  eidgate accounts remove-request-domain ACCOUNT_ID HOST
  eidgate accounts set-branding ACCOUNT_ID [--display-name nb=NAME]… [--logo-url https://…|data:image/…]
                                [--help-url URL] [--contact-url URL|mailto:…] [--privacy-url URL]
                                (an empty value removes one)
  eidgate themes list ACCOUNT_ID
  eidgate themes set ACCOUNT_ID THEME_ID [--primary #rrggbb] [--background #rrggbb] [--header #rrggbb]
                     [--font system|humanist|serif|mono] [--corners rounded|square|pill] [--logo-url URL]
                     (colours must pass WCAG AA contrast)
  eidgate themes remove ACCOUNT_ID THEME_ID
  eidgate themes default ACCOUNT_ID THEME_ID                (sessions without themeId; "" for none)
  eidgate clients list [--account ACCOUNT_ID]
  eidgate clients create --account ACCOUNT_ID [--name NAME] [--permission sessions]… [--token-lifetime SECONDS]
  eidgate clients disable CLIENT_ID | clients enable CLIENT_ID
  eidgate secrets add CLIENT_ID
  eidgate secrets revoke CLIENT_ID SECRET_ID
  eidgate keys list | keys rotate
  eidgate keys reseal                   (after an EIDGATE_ENCRYPTION_KEY rotation: re-seal everything with the new key)
  eidgate providers list ACCOUNT_ID
  eidgate providers set ACCOUNT_ID PROVIDER --issuer URL --client-id ID [--client-secret S | --private-key-file F]
                        [--client-auth client_secret_basic|client_secret_post|private_key_jwt] [--par on|off]
  eidgate providers set ACCOUNT_ID sbid --bankid-api test|production|URL --ca-file BANKID_CA.pem
                        (--pfx-file RP.p12 --pfx-passphrase P | --cert-file RP.pem --key-file RP.key.pem)
                        [--launch-url https://app.bankid.com/]   (Swedish BankID's RP API v6, mutual TLS)
  eidgate providers add-oidc ACCOUNT_ID ID --issuer URL --client-id ID [--client-secret S | --private-key-file F]
                        --claims-file F | --claims JSON   (e.g. {"nin": "pid", "name": "{given_name} {family_name}"})
                        --acr LEVEL=ACR… [--acr-map ACR=LEVEL…] [--scope "openid profile"] [--label nb|nn|en=TEXT…]
                        [--id-token-alg RS256|ES256|…] [--client-auth …] [--par on|off]
                        (an OpenID Connect eID of this account's own, under an id of your choosing; see README, Providers)
  eidgate providers remove ACCOUNT_ID PROVIDER
  eidgate oidc-clients list ACCOUNT_ID
  eidgate oidc-clients create ACCOUNT_ID --redirect-uri URL… [--post-logout-uri URL…] [--name NAME]
                        [--client-auth client_secret_basic|client_secret_post|private_key_jwt] [--jwks JSON | --jwks-uri URL]
                        [--provider ID…] [--level low|substantial|high…] [--default-level L] [--claim NAME…]
                        [--id-token-lifetime SECONDS] [--id-token-alg RS256|ES256] [--pkce on|off] [--subject pairwise|public]
                        (a relying party of the OpenID Provider; prints its client_secret once; see README, OpenID Provider)
  eidgate oidc-clients update CLIENT_ID [the same options]
  eidgate oidc-clients set-branding CLIENT_ID [the branding options of accounts set-branding]   (over the account's)
  eidgate oidc-clients rotate-secret CLIENT_ID | oidc-clients delete CLIENT_ID
  eidgate webhooks list [--account ACCOUNT_ID]
  eidgate webhooks create --account ACCOUNT_ID --url URL [--event NAME]… [--tag TAG]…   (prints the signing secret once)
  eidgate webhooks disable ID | webhooks enable ID | webhooks delete ID
  eidgate webhooks rotate-secret ID [--overlap-seconds N]   (the previous secret signs too for N s, default 86400)
  eidgate webhooks deliveries ID        (the delivery log: states, attempts, status codes, latency)
  eidgate webhooks redeliver ID EVENT_ID
  eidgate simulator                     (the standalone ID-porten simulator; see npm run simulator)
  eidgate simulator --fidelity [--json] (its known differences from the real ID-porten)

Providers: ${PROVIDER_IDS.join(', ')}
Events: ${EVENT_NAMES.join(', ')}

Options: --json  machine-readable output on stdout
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      // Read by the simulator (src/simulator/main.ts) from argv; never sent to a broker.
      fidelity: { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
      name: { type: 'string' },
      id: { type: 'string' },
      'callback-domain': { type: 'string', multiple: true },
      account: { type: 'string' },
      permission: { type: 'string', multiple: true },
      'token-lifetime': { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'private-key-file': { type: 'string' },
      'bankid-api': { type: 'string' },
      'ca-file': { type: 'string' },
      'pfx-file': { type: 'string' },
      'pfx-passphrase': { type: 'string' },
      'cert-file': { type: 'string' },
      'key-file': { type: 'string' },
      'launch-url': { type: 'string' },
      'client-auth': { type: 'string' },
      par: { type: 'string' },
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      tag: { type: 'string', multiple: true },
      'overlap-seconds': { type: 'string' },
      scope: { type: 'string' },
      acr: { type: 'string', multiple: true },
      'acr-map': { type: 'string', multiple: true },
      claims: { type: 'string' },
      'claims-file': { type: 'string' },
      label: { type: 'string', multiple: true },
      'id-token-alg': { type: 'string' },
      'display-name': { type: 'string', multiple: true },
      'logo-url': { type: 'string' },
      'help-url': { type: 'string' },
      'contact-url': { type: 'string' },
      'privacy-url': { type: 'string' },
      primary: { type: 'string' },
      background: { type: 'string' },
      header: { type: 'string' },
      font: { type: 'string' },
      corners: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
      jwks: { type: 'string' },
      'jwks-uri': { type: 'string' },
      provider: { type: 'string', multiple: true },
      level: { type: 'string', multiple: true },
      'default-level': { type: 'string' },
      claim: { type: 'string', multiple: true },
      'id-token-lifetime': { type: 'string' },
      pkce: { type: 'string' },
      subject: { type: 'string' },
    },
  });
  const [group, action, ...args] = positionals;
  if (values.help || !group) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (group === 'simulator') {
    await import('../simulator/main.ts');
    return -1; // keeps running
  }
  const command = COMMANDS[`${group} ${action ?? ''}`];
  if (!command) throw new UsageError(`unknown command "${group} ${action ?? ''}"`);
  if (args.length !== command.args) throw new UsageError(`${group} ${action} takes ${command.args} argument(s)`);
  const config = loadConfig();
  const print = (value: unknown, human: () => string) =>
    process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  // The embedded store has one writer: with a broker running on it, the command goes to that broker.
  const endpoint = config.databaseUrl ? undefined : liveEndpoint(config.dataDir);
  if (endpoint) {
    const { json: _json, help: _help, fidelity: _fidelity, ...options } = values;
    const result = await runRemote(endpoint, config.dataDir, `${group} ${action}`, args, options);
    print(result.result, () => result.text);
    return 0;
  }
  // Warnings go to stderr so that --json output on stdout stays parseable.
  const log = createLogger('warn', pino.destination(2));
  const store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let sealed: Sealer | undefined;
  const sealer = () => (sealed ??= new Sealer(resolveEncryptionKey(config, log), { oldKeys: config.oldEncryptionKeys }));
  try {
    const ctx: CommandContext = {
      args,
      values,
      store,
      accounts: new Accounts(store, systemClock),
      sealer,
      webhooks: () =>
        new Webhooks({
          store,
          sealer: sealer(),
          clock: systemClock,
          policy: { development: config.env === 'development', allowPrivateAddresses: config.events.allowPrivateAddresses },
          eventTtlSeconds: config.events.ttlSeconds,
        }),
      out: print,
    };
    await command.run(ctx, (i) => args[i] ?? '');
    return 0;
  } finally {
    await store.close();
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (e) {
  if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`eidgate: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (e instanceof ConfigError) {
    process.stderr.write(`eidgate: ${e.message}\n`);
    process.exitCode = 2;
  } else if (isAppError(e)) {
    process.stderr.write(`eidgate: ${e.description}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`eidgate: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
