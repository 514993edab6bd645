// The broker as the benchmark measures it: its own process, a fresh store, one account and API client.
// Prints one JSON line with where it listens and the credentials, then serves until killed.
import { profileOnSignal } from './profiling.ts';
import { loadConfig } from '../../src/config.ts';
import { createBroker } from '../../src/broker.ts';
import { createLogger } from '../../src/log.ts';
import { PROVIDERS } from '../../src/domain/providers/registry.ts';
import { BoundSocket, type ListenOptions } from 'node:net';

// PORT=0: the port is reserved here, before the broker that names it in its PUBLIC_URL exists, and listened on below.
const reserved = new BoundSocket({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const { port } = reserved.address();
const schema = process.env.BENCH_SCHEMA;
const config = loadConfig({
  PORT: String(port),
  DATA_DIR: 'memory://',
  SIMULATOR: 'off',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  ...(process.env.PUBLIC_URL ? { PUBLIC_URL: process.env.PUBLIC_URL } : {}),
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
const broker = await createBroker(config, {
  schema,
  logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn'),
  purge: false,
  ...(process.env.BENCH_POLL_MS ? { orderPolling: { pollIntervalMs: Number(process.env.BENCH_POLL_MS) } } : {}),
});
const account = await broker.accounts.createAccount({ name: 'Bench', callbackDomains: ['localhost', '127.0.0.1'] });
const { client, secret } = await broker.accounts.createClient({ accountId: account.id });
// Sessions may name only configured providers: without the simulator, a provider at a port nothing
// listens on serves the create/get rows (they never start a journey).
for (const p of PROVIDERS) {
  if (p.configKind !== 'oidc') continue;
  await broker.providerConfigs.save(account.id, {
    providerId: p.id,
    issuer: process.env.SIM_ISSUER ?? 'http://127.0.0.1:9',
    clientId: 'bench',
    clientSecret: process.env.SIM_SECRET ?? 'unused',
    clientAuth: 'client_secret_basic',
    par: false,
  });
}
// Swedish BankID against the benchmark's simulator, when one runs (the headless rows).
const sbid = process.env.SBID_SIM ? (JSON.parse(process.env.SBID_SIM) as Record<string, string>) : undefined;
if (sbid?.rpApiUrl) {
  await broker.providerConfigs.save(account.id, {
    providerId: 'sbid',
    issuer: sbid.rpApiUrl,
    clientId: '',
    clientAuth: 'client_secret_basic',
    par: false,
    bankid: { apiUrl: sbid.rpApiUrl, caCertPem: sbid.caCertPem ?? '', launchUrl: `${sbid.appUrl}/app` },
    rpCertPem: sbid.rpCertPem,
    rpKeyPem: sbid.rpKeyPem,
  });
}
// A relying party of the OpenID Provider, for the OIDC logins row.
const oidcSecret = 'bench-oidc-secret-0123456789abcdefghijkl';
const oidc = await broker.oidcClients.create(account.id, { redirectUris: ['https://localhost/oidc'] }, { secret: oidcSecret });
profileOnSignal();
// Fastify hands its listen options to net.Server.listen, which adopts a BoundSocket given as `handle`.
const onReserved: ListenOptions = { handle: reserved, host: '127.0.0.1' };
await broker.app.listen(onReserved);
process.stdout.write(
  `${JSON.stringify({ ready: true, port, accountId: account.id, clientId: client.clientId, clientSecret: secret, oidcClientId: oidc.client.clientId, oidcClientSecret: oidcSecret, store: broker.store.kind })}\n`,
);
process.on('SIGTERM', () => void broker.close().then(() => process.exit(0)));
