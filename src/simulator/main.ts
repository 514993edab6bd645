// `npm run simulator` / `eidgate simulator`: the ID-porten simulator on its own, for teams testing their
// own relying party. Configuration (its own, independent of the broker's):
//   SIMULATOR_PORT (default 7080), SIMULATOR_HOST (127.0.0.1), SIMULATOR_ISSUER (http://localhost:PORT),
//   SIMULATOR_CLIENTS_FILE: a JSON array of clients ({client_id, client_secret | jwks, redirect_uris,
//     token_endpoint_auth_method}), or one client from SIMULATOR_CLIENT_ID, SIMULATOR_CLIENT_SECRET,
//     SIMULATOR_REDIRECT_URIS (space-separated) and SIMULATOR_CLIENT_AUTH,
//   SIMULATOR_PEOPLE_FILE: synthetic people replacing the built-in set ({ "people": [...] }),
//   SIMULATOR_DATA_DIR (./data/simulator; "memory" keeps nothing): seed, keys, sessions, codes and tokens,
//   SIMULATOR_SEED: the seed for pairwise subjects and cookie keys instead of the data dir's random one,
//   SIMULATOR_LOGIN_URL: the browser-facing origin of /authorize, /logout and the pages (default: the issuer's),
//   SIMULATOR_LENIENT=1: oidc-provider's defaults instead of ID-porten's rules at the token endpoint.
// `--fidelity` prints the fidelity ledger (every known difference from the real ID-porten) and exits.
// The whole list, with examples: docs/simulator.md.
import { readFileSync } from 'node:fs';
import { fidelityLedger, fidelityText } from './fidelity.ts';
import { loadPeople } from './people.ts';
import { startSimulator, type SimulatorClient } from './simulator.ts';

if (process.argv.includes('--fidelity')) {
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(fidelityLedger(), null, 2)}\n` : fidelityText());
  process.exit(0);
}

function fail(message: string): never {
  process.stderr.write(`eidgate simulator: ${message}\n`);
  process.exit(2);
}

const env = process.env;
const port = Number(env.SIMULATOR_PORT ?? 7080);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`SIMULATOR_PORT: "${env.SIMULATOR_PORT}" is not a port`);

let clients: SimulatorClient[];
try {
  if (env.SIMULATOR_CLIENTS_FILE) {
    clients = JSON.parse(readFileSync(env.SIMULATOR_CLIENTS_FILE, 'utf8'));
    if (!Array.isArray(clients)) throw new Error('expected a JSON array of clients');
  } else if (env.SIMULATOR_CLIENT_ID) {
    clients = [
      {
        client_id: env.SIMULATOR_CLIENT_ID,
        client_secret: env.SIMULATOR_CLIENT_SECRET,
        redirect_uris: (env.SIMULATOR_REDIRECT_URIS ?? '').split(' ').filter(Boolean),
        token_endpoint_auth_method: (env.SIMULATOR_CLIENT_AUTH as SimulatorClient['token_endpoint_auth_method']) ?? 'client_secret_basic',
        scope: 'openid profile',
      },
    ];
  } else {
    clients = [
      {
        client_id: 'demo-client',
        client_secret: 'demo-client-secret-change-me-0123456789',
        redirect_uris: ['http://localhost:3000/callback'],
        scope: 'openid profile',
      },
    ];
    process.stderr.write('eidgate simulator: no clients configured; registered demo-client for http://localhost:3000/callback\n');
  }
} catch (e) {
  fail(`clients: ${(e as Error).message}`);
}

let people: ReturnType<typeof loadPeople> = [];
try {
  people = loadPeople(env.SIMULATOR_PEOPLE_FILE);
} catch (e) {
  fail((e as Error).message);
}

try {
  const dataDir = env.SIMULATOR_DATA_DIR ?? './data/simulator';
  const sim = await startSimulator({
    port,
    host: env.SIMULATOR_HOST ?? '127.0.0.1',
    issuer: env.SIMULATOR_ISSUER,
    loginUrl: env.SIMULATOR_LOGIN_URL,
    lenient: env.SIMULATOR_LENIENT === '1' || env.SIMULATOR_LENIENT === 'true',
    dataDir: dataDir === 'memory' ? undefined : dataDir,
    seed: env.SIMULATOR_SEED,
    clients,
    people,
  });
  process.stdout.write(
    `ID-porten simulator at ${sim.issuer} (discovery: ${sim.issuer}/.well-known/openid-configuration; login origin ${sim.loginUrl}), ${people.length} test people, clients: ${clients.map((c) => c.client_id).join(', ')}, state: ${dataDir === 'memory' ? 'in memory' : dataDir}${env.SIMULATOR_LENIENT ? ', lenient' : ''}\n`,
  );
  for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, () => void sim.close().then(() => process.exit(0)));
} catch (e) {
  fail((e as Error).message);
}
