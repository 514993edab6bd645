// The Swedish BankID simulator as the benchmark measures it: its own process (its CPU is reported apart
// from the broker's). Prints one JSON line with its URLs and the certificates the broker needs.
import { startSbidSimulator, withCheckDigit } from '../../src/simulator/sbid/index.ts';

// One synthetic person per concurrent worker: BankID cancels a person's order when they start another.
const people = Array.from({ length: 100 }, (_, i) => ({
  personalNumber: withCheckDigit(`19800101${String(i).padStart(3, '0')}`),
  givenName: `Bench${i}`,
  surname: 'Testsson',
  bankIdIssueDate: '2024-01-01',
}));
const sim = await startSbidSimulator({ host: '127.0.0.1', people });
process.stdout.write(
  `${JSON.stringify({ ready: true, people: people.map((p) => p.personalNumber), rpApiUrl: sim.rpApiUrl, appUrl: sim.appUrl, caCertPem: sim.caCertPem, rpCertPem: sim.rpCertPem, rpKeyPem: sim.rpKeyPem })}\n`,
);
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
