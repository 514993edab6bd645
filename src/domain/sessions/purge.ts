// Deletes sessions that finished or expired more than the retention period ago. Runs in every process;
// the store's DELETE … SKIP LOCKED makes concurrent runs share the work instead of colliding.
import type { Logger } from 'pino';
import type { Store } from '../../store/index.ts';
import type { Clock } from '../clock.ts';

const BATCH = 1000;

export class Purger {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #retentionSeconds: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(store: Store, clock: Clock, log: Logger, retentionSeconds: number) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
    this.#retentionSeconds = retentionSeconds;
  }

  /** One full purge: batches until nothing old is left. Returns the number of sessions deleted. */
  async runOnce(): Promise<number> {
    const cutoff = new Date(this.#clock.now().getTime() - this.#retentionSeconds * 1000);
    let total = 0;
    for (;;) {
      const n = await this.#store.sessions.purge(cutoff, BATCH);
      total += n;
      if (n < BATCH) break;
    }
    await this.#store.idempotency.deleteCreatedBefore(cutoff);
    // Events (with their deliveries and the delivery log) once they expired a retention period ago.
    while ((await this.#store.events.purge(cutoff, BATCH)) === BATCH);
    // The OpenID Provider's state (codes, tokens, interactions, sessions) once it expired.
    while ((await this.#store.oidcPayloads.purgeExpired(this.#clock.now(), BATCH)) === BATCH);
    // Failure counters whose window and lockout are over (both last minutes): an hour is plenty.
    await this.#store.authFailures.purge(new Date(this.#clock.now().getTime() - 3_600_000));
    if (total > 0) this.#log.info({ purged: total }, 'purged finished sessions');
    return total;
  }

  start(intervalSeconds: number): void {
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.runOnce()
        .catch((err) => {
          this.#log.warn({ err }, 'session purge failed; will retry');
          return 0;
        })
        .finally(() => (this.#running = undefined));
    }, intervalSeconds * 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
