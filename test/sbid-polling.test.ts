// Background polling of Swedish BankID orders across broker processes on one PostgreSQL database: exactly
// one process polls an order, and when that process dies another takes the order over once its lease has
// run out, and finishes the session. (PGlite serves one process only: these run on PostgreSQL.)
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { RunningSbidSimulator } from '../src/simulator/sbid/index.ts';
import { call, DATABASE_URL, getToken, onPostgres, startBroker, type TestBroker } from './helpers.ts';
import { approveInApp, configureSbid, headlessRequest, openInApp, pollSession, startSbid } from './sbid-support.ts';

const NODE = process.execPath;

/** Waits for a condition on live state (no fixed sleeps), within a bound. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('polling orders across processes', { skip: !onPostgres && 'several processes share PostgreSQL only (DATABASE_URL)' }, () => {
  let sim: RunningSbidSimulator;
  let api: TestBroker;
  let token: string;

  before(async () => {
    sim = await startSbid();
    // The API process: creates sessions and answers GET; it polls nothing itself.
    api = await startBroker({}, { orders: false });
    await configureSbid(api, sim);
    token = await getToken(api.base, api.clientId, api.clientSecret);
  });
  after(async () => {
    await api?.close();
    await sim?.close();
  });

  it('two processes polling: one order is polled by exactly one of them, and the session finishes through it', async () => {
    const polling = { pollIntervalMs: 300, leaseMs: 2000 };
    const a = await startBroker({}, { orderPolling: polling }, api);
    const b = await startBroker({}, { orderPolling: polling }, api);
    try {
      const created = (await call(api.base, 'POST', '/auth/rest/sessions', { token, body: headlessRequest() })).body;
      const [pa, pb] = [a.broker.orders.polls, b.broker.orders.polls];
      await until(
        'the order has been polled several times',
        async () => ((await api.broker.store.orders.leaseOf(created.id))?.polls ?? 0) >= 6,
      );
      const polledBy = [a.broker.orders.polls - pa, b.broker.orders.polls - pb];
      assert.equal(polledBy.filter((n) => n > 0).length, 1, `one process polls the order: ${polledBy}`);
      const lease = await api.broker.store.orders.leaseOf(created.id);
      assert.equal(lease?.owner, polledBy[0] ? a.broker.orders.owner : b.broker.orders.owner);
      // Not polled twice as often: the order's count is one process's count.
      assert.ok(Math.abs((lease?.polls ?? 0) - Math.max(...polledBy)) <= 1, `${lease?.polls} vs ${polledBy}`);
      const now = (await call(api.base, 'GET', `/auth/rest/sessions/${created.id}`, { token })).body;
      await approveInApp(sim.appUrl, await openInApp(sim.appUrl, { qr: now.idpData.qrData }));
      const done = await pollSession(api.base, token, created.id, (s) => s.status === 'SUCCESS' || s.status === 'ERROR');
      assert.equal(done.status, 'SUCCESS');
      assert.equal(await api.broker.store.orders.leaseOf(created.id), null, 'the finished order is no longer polled');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('the process polling an order is killed: another takes it over after the lease and finishes the session', async () => {
    let child: ChildProcess | undefined;
    const survivor = await startBroker({}, { orderPolling: { pollIntervalMs: 300, leaseMs: 2000 } }, api);
    try {
      child = spawn(NODE, ['test/fixtures/sbid-poller.ts'], {
        env: { ...process.env, DATABASE_URL, EIDGATE_TEST_SCHEMA: api.schema },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let owner = '';
      let childPolls = 0;
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (line.startsWith('owner ')) owner = line.slice(6);
          if (line.startsWith('polls ')) childPolls = Number(line.slice(6));
        }
      });
      await until('the polling process is up', () => owner !== '');
      // Only the child polls until the order is its: the survivor's poller is held off by the first claim.
      await survivor.broker.orders.stop();
      const created = (await call(api.base, 'POST', '/auth/rest/sessions', { token, body: headlessRequest() })).body;
      await until('the child polls the order', async () => (await api.broker.store.orders.leaseOf(created.id))?.owner === owner);
      survivor.broker.orders.start();
      const survivorBefore = survivor.broker.orders.polls;
      const base = childPolls;
      await until('the child has polled a few more times', () => childPolls >= base + 3);
      assert.equal(survivor.broker.orders.polls, survivorBefore, 'the survivor leaves an order leased by a live process alone');
      child.kill('SIGKILL');
      await new Promise((resolve) => child?.once('exit', resolve));
      await until('the survivor takes the order over', () => survivor.broker.orders.polls > survivorBefore);
      assert.equal((await api.broker.store.orders.leaseOf(created.id))?.owner, survivor.broker.orders.owner);
      await approveInApp(
        sim.appUrl,
        await openInApp(sim.appUrl, {
          qr: (await call(api.base, 'GET', `/auth/rest/sessions/${created.id}`, { token })).body.idpData.qrData,
        }),
      );
      const done = await pollSession(api.base, token, created.id, (s) => s.status === 'SUCCESS' || s.status === 'ERROR');
      assert.equal(done.status, 'SUCCESS');
      assert.equal(done.subject.firstName, 'Astrid');
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await survivor.close();
    }
  });
});
