// Rewrites the table of differences in docs/simulator-fidelity.md from the ledger (src/simulator/fidelity.ts),
// between its <!-- ledger --> markers. Run after changing the ledger: node scripts/simulator-fidelity-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { DIFFERENCES } from '../src/simulator/fidelity.ts';

const file = new URL('../docs/simulator-fidelity.md', import.meta.url);
const esc = (s: string) => s.replaceAll('|', '\\|');
const rows = DIFFERENCES.map(
  (d) =>
    `| \`${d.id}\` | ${d.area} | ${esc(d.real)} | ${esc(d.simulator)} | ${d.impact} | ${esc(d.source)}${d.golden ? ` (golden: ${d.golden.map((g) => `\`${g}\``).join(', ')})` : ''} |`,
);
const table = ['| id | area | real ID-porten | simulator | impact | source |', '|---|---|---|---|---|---|', ...rows].join('\n');
const doc = readFileSync(file, 'utf8');
const next = doc.replace(
  /<!-- ledger -->[\s\S]*<!-- \/ledger -->/,
  `<!-- ledger -->\n${DIFFERENCES.length} differences.\n\n${table}\n<!-- /ledger -->`,
);
if (next === doc && !doc.includes('<!-- ledger -->')) throw new Error('docs/simulator-fidelity.md has no <!-- ledger --> markers');
writeFileSync(file, next);
