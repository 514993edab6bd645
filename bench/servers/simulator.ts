// The ID-porten simulator in its own process, with one client for the benchmark's broker.
import { startSimulator } from '../../src/simulator/simulator.ts';

const sim = await startSimulator({
  port: Number(process.env.PORT ?? 0),
  clients: [
    {
      client_id: 'bench',
      client_secret: process.env.SIM_SECRET!,
      redirect_uris: [`${process.env.BROKER_URL}/auth/callback/idporten`],
      scope: 'openid profile',
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({ ready: true, port: Number(new URL(sim.issuer).port), issuer: sim.issuer, pid: sim.people[0]!.pid })}\n`,
);
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
