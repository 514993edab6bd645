// `npm start`: the broker (and, in development, the ID-porten simulator) in one process.
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createBroker } from './broker.ts';
import { bootstrapDevAccount } from './bootstrap.ts';

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`eidgate: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

const broker = await createBroker(config);
const creds = await bootstrapDevAccount(config, broker.store, broker.accounts);
await broker.app.listen({ port: config.port, host: config.host });
broker.log.info({ publicUrl: config.publicUrl, store: broker.store.kind }, 'eidgate is listening');

if (creds) {
  // Printed to stdout on purpose and never through the logger: log pipelines must not collect secrets.
  process.stdout.write(
    [
      '',
      '  eidgate development account',
      `    accountId:     ${creds.accountId}`,
      `    client_id:     ${creds.clientId}`,
      `    client_secret: ${creds.clientSecret ?? '(shown only when created; set EIDGATE_DEV_CLIENT_SECRET to fix it)'}`,
      `    token:         curl -s -u '${creds.clientId}:<client_secret>' -d grant_type=client_credentials -d scope=signicat-api ${config.publicUrl}/auth/open/connect/token`,
      `    try a login:   ${config.publicUrl}/`,
      `    API docs:      ${config.publicUrl}/docs`,
      '',
    ].join('\n') + '\n',
  );
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    broker.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // Fastify stops accepting, lets in-flight requests finish, then the store closes.
    broker
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        broker.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}
