import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/domain/clock.ts';

test('a manual clock behind the wall clock catches up to it, and one ahead stays where a test put it', () => {
  const behind = new ManualClock(new Date(Date.now() - 3_600_000));
  const before = Date.now();
  behind.catchUp();
  assert.ok(behind.now().getTime() >= before, 'caught up with the wall clock');

  const ahead = new ManualClock();
  ahead.advance(600);
  const set = ahead.now().getTime();
  ahead.catchUp();
  assert.equal(ahead.now().getTime(), set, 'never moved back');
});
