// The simulator as most journey tests use it: one client for the broker under test, and the broker's
// account configured to log in there for idporten.
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import type { TestBroker } from './helpers.ts';

const SIM_SECRET = 'shared-sim-secret-0123456789abcdefghij';

export async function startSimulatorFor(t: TestBroker, opts: { par?: boolean } = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({
    port: 0,
    clients: [
      {
        client_id: 'broker',
        client_secret: SIM_SECRET,
        redirect_uris: [`${t.config.publicUrl}/auth/callback/idporten`],
        scope: 'openid profile',
      },
    ],
  });
  await t.broker.providerConfigs.save(t.accountId, {
    providerId: 'idporten',
    issuer: sim.issuer,
    clientId: 'broker',
    clientSecret: SIM_SECRET,
    clientAuth: 'client_secret_basic',
    par: opts.par ?? true,
  });
  return sim;
}
