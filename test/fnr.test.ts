// Property tests of the national identity number generator and validator.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkNin, syntheticNin } from '../src/nin.ts';
import { loadPeople } from '../src/simulator/people.ts';

const birthDate = fc
  .date({ min: new Date(Date.UTC(1854, 0, 1)), max: new Date(Date.UTC(2039, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('national identity numbers', () => {
  it('every generated synthetic number validates, with its birth date and kind', () => {
    fc.assert(
      fc.property(birthDate, fc.boolean(), fc.double({ min: 0, max: 0.999999, noNaN: true }), (date, dNumber, r) => {
        const nin = syntheticNin(date, { dNumber, random: () => r });
        const check = checkNin(nin);
        assert.ok(check.valid, `${nin} for ${date}`);
        assert.equal(check.info.birthDate, date);
        assert.equal(check.info.kind, dNumber ? 'DNUMBER' : 'BIRTH');
        assert.equal(check.info.synthetic, true);
      }),
      { numRuns: 2000 },
    );
  });

  it('any single-digit change is caught', () => {
    fc.assert(
      fc.property(birthDate, fc.boolean(), fc.nat(10), fc.integer({ min: 1, max: 9 }), (date, dNumber, pos, delta) => {
        const nin = syntheticNin(date, { dNumber });
        const digits = [...nin];
        digits[pos] = String((Number(digits[pos]) + delta) % 10);
        assert.equal(checkNin(digits.join('')).valid, false, `${nin} → ${digits.join('')}`);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts the synthetic numbers in Digdir's material and refuses malformed input", () => {
    for (const n of ['47906701517', '28876895937', '16903349844', '21879498012']) assert.ok(checkNin(n).valid, n);
    assert.equal((checkNin('47906701517') as { info: { kind: string } }).info.kind, 'DNUMBER');
    for (const bad of ['', '1234567890', '123456789012', 'abcdefghijk', '00000000000', '31023012345'])
      assert.equal(checkNin(bad).valid, false, bad);
  });

  it('ships at least 20 valid synthetic people, D-numbers among them', () => {
    const people = loadPeople();
    assert.ok(people.length >= 20);
    const checks = people.map((p) => checkNin(p.pid));
    assert.ok(checks.every((c) => c.valid && c.info.synthetic));
    assert.ok(checks.filter((c) => c.valid && c.info.kind === 'DNUMBER').length >= 2);
    assert.equal(new Set(people.map((p) => p.pid)).size, people.length);
  });
});
