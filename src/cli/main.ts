// `eidgate` / `npm run eidgate -- …`: administration on the same store the broker uses.
// Exit codes: 0 done, 1 refused (not found, conflict, bad value), 2 usage or configuration error.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { Sealer } from '../crypto.ts';
import { Accounts } from '../domain/accounts.ts';
import { systemClock } from '../domain/clock.ts';
import { KeyRing } from '../domain/keys.ts';
import { isAppError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { Store } from '../store/store.ts';
import { resolveEncryptionKey } from '../broker.ts';
import { ProviderConfigs } from '../domain/providers/configs.ts';

const USAGE = `eidgate — administration of an eidgate store (the one DATABASE_URL or DATA_DIR names)

  eidgate accounts list
  eidgate accounts create --name NAME [--id a-…] [--callback-domain HOST]…
  eidgate accounts add-domain ACCOUNT_ID HOST
  eidgate accounts remove-domain ACCOUNT_ID HOST
  eidgate clients list [--account ACCOUNT_ID]
  eidgate clients create --account ACCOUNT_ID [--name NAME] [--permission sessions]… [--token-lifetime SECONDS]
  eidgate clients disable CLIENT_ID | clients enable CLIENT_ID
  eidgate secrets add CLIENT_ID
  eidgate secrets revoke CLIENT_ID SECRET_ID
  eidgate keys list | keys rotate
  eidgate providers list ACCOUNT_ID
  eidgate providers set ACCOUNT_ID idporten --issuer URL --client-id ID [--client-secret S | --private-key-file F]
                        [--client-auth client_secret_basic|client_secret_post|private_key_jwt] [--par on|off]
  eidgate simulator                     (the standalone ID-porten simulator; see npm run simulator)

Options: --json  machine-readable output on stdout
`;

class UsageError extends Error {}

const out = (json: boolean, value: unknown, human: () => string) =>
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
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
      'client-auth': { type: 'string' },
      par: { type: 'string' },
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
  const config: Config = loadConfig();
  // Warnings go to stderr so that --json output on stdout stays parseable.
  const log = createLogger('warn', pino.destination(2));
  const store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const json = values.json;
  try {
    const accounts = new Accounts(store, systemClock);
    const need = (n: number) => {
      if (args.length !== n) throw new UsageError(`${group} ${action} takes ${n} argument(s)`);
    };
    switch (`${group} ${action}`) {
      case 'accounts list': {
        const list = await accounts.listAccounts();
        out(json, list, () => list.map((a) => `${a.id}\t${a.name}\t${a.callbackDomains.join(',')}`).join('\n') || '(no accounts)');
        return 0;
      }
      case 'accounts create': {
        if (!values.name) throw new UsageError('--name is required');
        const a = await accounts.createAccount({ name: values.name, id: values.id, callbackDomains: values['callback-domain'] ?? [] });
        out(json, a, () => `created account ${a.id}`);
        return 0;
      }
      case 'accounts add-domain':
      case 'accounts remove-domain': {
        need(2);
        const a =
          action === 'add-domain'
            ? await accounts.addCallbackDomain(args[0]!, args[1]!)
            : await accounts.removeCallbackDomain(args[0]!, args[1]!);
        out(json, a, () => `${a.id} callback domains: ${a.callbackDomains.join(', ') || '(none)'}`);
        return 0;
      }
      case 'clients list': {
        const list = (await accounts.listClients(values.account)).map(({ secrets, ...c }) => ({
          ...c,
          secrets: secrets.map(({ hash: _hash, ...s }) => s),
        }));
        out(
          json,
          list,
          () =>
            list
              .map(
                (c) =>
                  `${c.clientId}\t${c.accountId}\t${c.disabled ? 'disabled' : 'enabled'}\t${c.permissions.join(',')}\tsecrets: ${c.secrets
                    .filter((s) => !s.revokedAt)
                    .map((s) => `${s.id}(${s.hint}…)`)
                    .join(' ')}`,
              )
              .join('\n') || '(no clients)',
        );
        return 0;
      }
      case 'clients create': {
        if (!values.account) throw new UsageError('--account is required');
        const lifetime = values['token-lifetime'] === undefined ? undefined : Number(values['token-lifetime']);
        const { client, secret } = await accounts.createClient({
          accountId: values.account,
          name: values.name,
          permissions: values.permission,
          tokenLifetime: lifetime,
        });
        out(
          json,
          {
            clientId: client.clientId,
            accountId: client.accountId,
            clientSecret: secret,
            permissions: client.permissions,
            tokenLifetime: client.tokenLifetime,
          },
          () => `created API client\n  client_id:     ${client.clientId}\n  client_secret: ${secret}\n  (the secret is shown only now)`,
        );
        return 0;
      }
      case 'clients disable':
      case 'clients enable': {
        need(1);
        await accounts.setClientDisabled(args[0]!, action === 'disable');
        out(json, { clientId: args[0], disabled: action === 'disable' }, () => `${args[0]} ${action}d`);
        return 0;
      }
      case 'secrets add': {
        need(1);
        const s = await accounts.addClientSecret(args[0]!);
        out(
          json,
          { clientId: args[0], ...s },
          () => `added secret ${s.secretId} to ${args[0]}\n  client_secret: ${s.secret}\n  (shown only now)`,
        );
        return 0;
      }
      case 'secrets revoke': {
        need(2);
        await accounts.revokeClientSecret(args[0]!, args[1]!);
        out(json, { clientId: args[0], secretId: args[1], revoked: true }, () => `revoked ${args[1]}`);
        return 0;
      }
      case 'keys list':
      case 'keys rotate': {
        const keys = new KeyRing(store, new Sealer(resolveEncryptionKey(config, log)), systemClock);
        await keys.init();
        if (action === 'rotate') {
          const r = await keys.rotate();
          out(
            json,
            r,
            () =>
              `new signing key ${r.kid}; retired ${r.retired.join(', ') || 'none'}; deleted ${r.deleted} old key(s). Running brokers pick it up within 30 s.`,
          );
        } else {
          const list = (await store.listSigningKeys()).map((k) => ({
            kid: k.kid,
            alg: k.alg,
            createdAt: k.createdAt,
            retiredAt: k.retiredAt,
          }));
          out(json, list, () =>
            list.map((k) => `${k.kid}\t${k.alg}\t${k.retiredAt ? `retired ${k.retiredAt.toISOString()}` : 'live'}`).join('\n'),
          );
        }
        return 0;
      }
      case 'providers list': {
        need(1);
        const configs = new ProviderConfigs(store, new Sealer(resolveEncryptionKey(config, log)));
        const list = await configs.list(args[0]!);
        out(
          json,
          list,
          () => list.map((p) => `${p.providerId}\t${p.issuer}\t${p.clientId}\t${p.clientAuth}\tpar=${p.par}`).join('\n') || '(none)',
        );
        return 0;
      }
      case 'providers set': {
        need(2);
        const configs = new ProviderConfigs(store, new Sealer(resolveEncryptionKey(config, log)));
        await accounts.getAccount(args[0]!);
        const saved = await configs.setFromCli(args[0]!, args[1]!, {
          issuer: values.issuer,
          clientId: values['client-id'],
          clientSecret: values['client-secret'],
          privateKeyFile: values['private-key-file'],
          clientAuth: values['client-auth'],
          par: values.par,
        });
        out(json, saved, () => `${args[1]} for ${args[0]}: ${saved.issuer} as ${saved.clientId} (${saved.clientAuth}, par=${saved.par})`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${group} ${action ?? ''}"`);
    }
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
    process.stderr.write(`eidgate: ${e.detail}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`eidgate: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
