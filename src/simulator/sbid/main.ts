// `node src/simulator/sbid/main.ts`: the Swedish BankID simulator on its own, for teams testing their own RP.
// Configuration (its own, independent of the broker's):
//   SBID_SIM_RP_PORT (default 7443): the RP API, HTTPS with mutual TLS,
//   SBID_SIM_APP_PORT (default 7444): the test app, plain HTTP,
//   SBID_SIM_HOST (default 127.0.0.1),
//   SBID_SIM_DATA_DIR (default ./.eidgate/sbid-simulator): the CA, server and RP certificates, kept across restarts,
//   SBID_SIM_ORDER_TTL_SECONDS (default 180), SBID_SIM_START_WINDOW_SECONDS (default 30),
//   SBID_SIM_MAINTENANCE=true: start in maintenance (every RP call answers 503 maintenance),
//   SBID_SIM_PEOPLE_FILE: a JSON array of people ({personalNumber, givenName, surname, bankIdIssueDate?, certificateErr?}).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type SwedishPerson, startSbidSimulator } from './index.ts';

function fail(message: string): never {
  process.stderr.write(`eidgate sbid simulator: ${message}\n`);
  process.exit(2);
}

const env = process.env;
function intEnv(name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) fail(`${name}: "${raw}" is not a whole number from 0 to ${max}`);
  return n;
}

const rpPort = intEnv('SBID_SIM_RP_PORT', 7443, 65535);
const appPort = intEnv('SBID_SIM_APP_PORT', 7444, 65535);
const dataDir = resolve(env.SBID_SIM_DATA_DIR || './.eidgate/sbid-simulator');
let people: SwedishPerson[] | undefined;
if (env.SBID_SIM_PEOPLE_FILE) {
  try {
    people = JSON.parse(readFileSync(env.SBID_SIM_PEOPLE_FILE, 'utf8'));
    if (!Array.isArray(people)) throw new Error('expected a JSON array of people');
  } catch (e) {
    fail(`SBID_SIM_PEOPLE_FILE: ${(e as Error).message}`);
  }
}

try {
  const sim = await startSbidSimulator({
    host: env.SBID_SIM_HOST || '127.0.0.1',
    rpPort,
    appPort,
    dataDir,
    people,
    orderTtlSeconds: intEnv('SBID_SIM_ORDER_TTL_SECONDS', 180, 86400),
    startWindowSeconds: intEnv('SBID_SIM_START_WINDOW_SECONDS', 30, 86400),
    maintenance: env.SBID_SIM_MAINTENANCE === 'true',
  });
  const p = sim.certPaths;
  process.stdout.write(
    [
      'Swedish BankID simulator (not the real BankID)',
      `  RP API (mutual TLS):  ${sim.rpApiUrl}`,
      `  test app:             ${sim.appUrl}/app?autostarttoken=…&redirect=…   ${sim.appUrl}/app/scan?qr=…`,
      `  maintenance switch:   PUT ${sim.appUrl}/admin/maintenance {"maintenance": true|false}`,
      ...(p
        ? [
            `  CA certificate:       ${p.caCert}`,
            `  RP certificate:       ${p.rpCert} (key ${p.rpKey})`,
            `  RP PKCS#12:           ${p.rpPfx} (passphrase ${sim.rpPfxPassphrase})`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, () => void sim.close().then(() => process.exit(0)));
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  fail(err.code === 'EADDRINUSE' ? `a port is in use (${err.message}); set SBID_SIM_RP_PORT / SBID_SIM_APP_PORT` : err.message);
}
