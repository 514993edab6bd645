// Every error code the broker can answer with is documented in docs/errors.md (fastify does the same for
// its own error codes): a new code without a line there fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { JOURNEY_ERROR_CODES } from '../src/domain/journey/journeys.ts';
import { PROVIDER_ERROR_CODES } from '../src/domain/providers/adapter.ts';
import { ERROR_CODES } from '../src/errors/index.ts';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
/** Codes documented as a table row: | `code` | … */
const documented = new Set([...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));

describe('docs/errors.md', () => {
  for (const code of Object.keys(ERROR_CODES)) {
    it(`documents the API error code ${code} with its status`, () => {
      assert.ok(documented.has(code), `${code} has no row in docs/errors.md`);
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`)) ?? '';
      assert.match(row, new RegExp(`\\| ${ERROR_CODES[code as keyof typeof ERROR_CODES].status} \\|`), `${code}: the status in the doc`);
    });
  }
  for (const code of [...PROVIDER_ERROR_CODES, ...JOURNEY_ERROR_CODES]) {
    it(`documents the session error code ${code}`, () => assert.ok(documented.has(code), `${code} has no row in docs/errors.md`));
  }
  it('documents no code that does not exist', () => {
    const known = new Set<string>([...Object.keys(ERROR_CODES), ...PROVIDER_ERROR_CODES, ...JOURNEY_ERROR_CODES]);
    for (const code of documented) assert.ok(known.has(code ?? ''), `docs/errors.md documents ${code}, which no code raises`);
  });
});
