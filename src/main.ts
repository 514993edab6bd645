// `npm start`: the broker (and, in development, the ID-porten simulator) in one process.
import { ConfigError, loadConfig, type Config } from './config.ts';
import { type Broker, createBroker } from './broker.ts';
import { publishEndpoint, withdrawEndpoint } from './admin/endpoint.ts';
import { EncryptionKeyMismatch } from './domain/encryption-keys.ts';
import { DatabaseUnreachable } from './store/sql.ts';
import { PROVIDERS } from './domain/providers/registry.ts';
import { urlsFor } from './http/paths.ts';
import { developmentBanner, showDevelopmentCredentials } from './dev-banner.ts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from './simulator/simulator.ts';
import { type RunningSbidSimulator, startSbidSimulator } from './simulator/sbid/index.ts';

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

// In development the simulator (ID-porten, and BankID Norge under /auth/realms/current) runs beside the
// broker, on its own port; the broker reaches it over HTTP exactly as it reaches the real providers.
let simulator: RunningSimulator | undefined;
const urls = urlsFor(config.publicUrl);
const devClient = { clientId: 'eidgate-dev', clientSecret: randomBytes(32).toString('base64url') };
if (config.simulator.enabled) {
  simulator = await startSimulator({
    port: config.simulator.port,
    host: config.host,
    clients: [
      {
        client_id: devClient.clientId,
        client_secret: devClient.clientSecret,
        client_name: 'eidgate (development)',
        redirect_uris: PROVIDERS.filter((p) => p.simulated && p.configKind === 'oidc').map((p) => urls.providerCallback(p.id)),
        // At the ID-porten profile; at BankID every client may also ask for nnin_altsub.
        scope: 'openid profile',
      },
    ],
  }).catch((e: { code?: string; message?: string }) => {
    process.stderr.write(
      `eidgate: cannot start the simulator on port ${config.simulator.port} (${e.code === 'EADDRINUSE' ? 'the port is in use; set SIMULATOR_PORT, or SIMULATOR=off' : e.message})\n`,
    );
    process.exit(1);
  });
}

// The Swedish BankID simulator beside it: the RP API over mutual TLS and the test app that plays the phone.
// Its CA and RP certificate are kept in the data directory, so the development account's configuration
// stays valid across restarts.
let sbidSimulator: RunningSbidSimulator | undefined;
if (config.simulator.enabled) {
  const base = config.simulator.port;
  sbidSimulator = await startSbidSimulator({
    host: config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host,
    rpPort: base === 0 ? 0 : base + 1,
    appPort: base === 0 ? 0 : base + 2,
    ...(config.dataDir === 'memory://' ? {} : { dataDir: join(config.dataDir, 'sbid-simulator') }),
  }).catch((e: { code?: string; message?: string }) => {
    process.stderr.write(
      `eidgate: cannot start the Swedish BankID simulator on ports ${base + 1}-${base + 2} (${e.code === 'EADDRINUSE' ? 'a port is in use; set SIMULATOR_PORT, or SIMULATOR=off' : e.message})\n`,
    );
    process.exit(1);
  });
}

let broker: Broker;
try {
  broker = await createBroker(config, {
    bootstrap: true,
    devProvider: simulator ? { issuers: simulator.issuers, ...devClient, ...(sbidSimulator ? { sbid: sbidSimulator } : {}) } : undefined,
  });
} catch (e) {
  // What an operator must fix gets one line and exit code 2; anything else is a defect and keeps its stack.
  if (!(e instanceof EncryptionKeyMismatch) && !(e instanceof DatabaseUnreachable)) throw e;
  process.stderr.write(`eidgate: ${e.message}
`);
  await Promise.all([simulator?.close(), sbidSimulator?.close()]);
  process.exit(e instanceof EncryptionKeyMismatch ? 2 : 1);
}
const creds = broker.devCredentials;
try {
  await broker.app.listen({ port: config.port, host: config.host });
} catch (e) {
  const code = (e as { code?: string }).code;
  process.stderr.write(
    `eidgate: cannot listen on ${config.host}:${config.port} (${code === 'EADDRINUSE' ? 'the port is in use; set PORT' : (e as Error).message})\n`,
  );
  await Promise.all([broker.close(), simulator?.close(), sbidSimulator?.close()]);
  process.exit(1);
}
// Before the "listening" line, so whoever waits for that line finds the credentials in place.
if (creds && config.env === 'development') {
  showDevelopmentCredentials(
    developmentBanner(creds, config.publicUrl, urls, sbidSimulator && { appUrl: sbidSimulator.appUrl }),
    config.dataDir,
    broker.log,
  );
}
// On the embedded store the CLI must go through this process (one writer): tell it where and how.
if (broker.localAdminToken) {
  const address = broker.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  publishEndpoint(config.dataDir, {
    pid: process.pid,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: broker.localAdminToken,
  });
}
broker.log.info({ publicUrl: config.publicUrl, store: broker.store.kind, simulator: simulator?.issuer }, 'eidgate is listening');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    broker.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // Fastify stops accepting, lets in-flight requests finish, then the store closes.
    if (broker.localAdminToken) withdrawEndpoint(config.dataDir);
    Promise.all([broker.close(), simulator?.close(), sbidSimulator?.close()])
      .then(() => process.exit(0))
      .catch((err) => {
        broker.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}
