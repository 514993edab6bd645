#!/usr/bin/env node
// Runs the admin CLI on Node 24 or later (it is TypeScript, run by Node's type stripping). Started by an
// older node, it hands over to the node binary pinned in this package's devDependencies.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (Number(process.versions.node.split('.')[0]) >= 24) {
  await import(cli);
} else {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  const r = spawnSync(pinned, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
