// The background work of the event outbox, in every broker process: the expiry sweeper (open sessions past
// their lifetime become EXPIRED, with their event), webhook delivery and, when configured, the NATS sink. Both coordinate through the store
// (SKIP LOCKED), so any number of processes can run them at once. Tests call runOnce() themselves.
import type { Logger } from 'pino';
import type { Sessions } from '../sessions/sessions.ts';
import type { RoundResult, WebhookDelivery } from '../webhooks/delivery.ts';
import type { BusRound, NatsSink } from './nats-sink.ts';

export class EventJobs {
  readonly #sessions: Sessions;
  readonly #delivery: WebhookDelivery;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  readonly #bus: NatsSink | undefined;

  constructor(sessions: Sessions, delivery: WebhookDelivery, log: Logger, bus?: NatsSink) {
    this.#bus = bus;
    this.#sessions = sessions;
    this.#delivery = delivery;
    this.#log = log;
  }

  async runOnce(): Promise<RoundResult & { sessionsExpired: number; bus?: BusRound }> {
    const sessionsExpired = await this.#sessions.expireDue();
    const webhooks = await this.#delivery.runOnce();
    return { sessionsExpired, ...webhooks, ...(this.#bus ? { bus: await this.#bus.runOnce() } : {}) };
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.runOnce()
        .catch((err) => this.#log.warn({ err }, 'event round failed (expiry sweep or webhook delivery); will retry'))
        .finally(() => (this.#running = undefined));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    await this.#delivery.close();
    await this.#bus?.close();
  }
}
