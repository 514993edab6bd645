// The message-bus sink: every event envelope (the webhook ping aside) published to NATS JetStream, for
// platforms that consume a bus rather than receive webhooks. Claimed from the same outbox as webhook
// deliveries (the store's claimForBus: FOR UPDATE SKIP LOCKED and a lease), so any number of broker processes
// share the work. At least once: an event is marked published only after JetStream's publish ack (the
// message is stored in the stream); each message carries Nats-Msg-Id = the event id, so a republish after a
// crash between the ack and the mark is dropped by the server's de-duplication window (2 minutes by default)
// and is recognisable by the consumer by that header after the window.
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { Store } from '../../store/index.ts';
import type { Clock } from '../clock.ts';
import { backoffMs, serializeEnvelope } from '../webhooks/delivery.ts';
import { PING_EVENT_NAME } from './envelope.ts';

export interface NatsSinkOptions {
  /** nats://host:port (a comma-separated list for a cluster). */
  url: string;
  /** The JetStream stream the subjects belong to; created (subjects `<subjectPrefix>.>`) when absent. */
  stream: string;
  /** Messages go to `<subjectPrefix>.<accountId>.<eventName>`. */
  subjectPrefix: string;
  /** The bound on connecting and on each publish ack. */
  timeoutMs?: number;
  /** Events claimed per round. */
  batchSize?: number;
}

export interface BusRound {
  published: number;
  /** Of those, how many the server recognised as already stored (its de-duplication by Nats-Msg-Id). */
  duplicates: number;
  failed: number;
}

/** How long a claimed event is held by the process that claimed it before another may take it. */
const LEASE_MS = 60_000;

export class NatsSink {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #opts: Required<NatsSinkOptions>;
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;

  constructor(deps: { store: Store; clock: Clock; log: Logger }, opts: NatsSinkOptions) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#opts = { timeoutMs: 5000, batchSize: 100, ...opts };
  }

  /** Connects (again) when needed and makes sure the stream exists. NATS being down is not the broker being down. */
  async #jetstream(): Promise<JetStreamClient> {
    if (this.#js && this.#nc && !this.#nc.isClosed()) return this.#js;
    const nc = await connect({ servers: this.#opts.url.split(','), timeout: this.#opts.timeoutMs, name: 'eidgate' });
    try {
      const jsm = await nc.jetstreamManager({ timeout: this.#opts.timeoutMs });
      const exists = await jsm.streams.info(this.#opts.stream).then(
        () => true,
        () => false,
      );
      if (!exists) await jsm.streams.add({ name: this.#opts.stream, subjects: [`${this.#opts.subjectPrefix}.>`] });
    } catch (e) {
      await nc.close();
      throw e;
    }
    this.#nc = nc;
    this.#js = nc.jetstream({ timeout: this.#opts.timeoutMs });
    return this.#js;
  }

  async runOnce(): Promise<BusRound> {
    const round: BusRound = { published: 0, duplicates: 0, failed: 0 };
    const now = this.#clock.now();
    const claimed = await this.#store.events.claimForBus(now, new Date(now.getTime() + LEASE_MS), this.#opts.batchSize, PING_EVENT_NAME);
    if (claimed.length === 0) return round;
    let js: JetStreamClient | undefined;
    try {
      js = await this.#jetstream();
    } catch (err) {
      this.#log.warn({ err, url: this.#opts.url }, 'NATS unreachable: events stay pending and are published when it is back');
    }
    for (const { envelope, attempt } of claimed) {
      try {
        if (!js) throw new Error('not connected');
        const subject = `${this.#opts.subjectPrefix}.${envelope.accountId}.${envelope.eventName}`;
        const ack = await js.publish(subject, serializeEnvelope(envelope), { msgID: envelope.id, timeout: this.#opts.timeoutMs });
        await this.#store.events.markPublished(envelope.id, this.#clock.now());
        round.published++;
        if (ack.duplicate) round.duplicates++;
      } catch (err) {
        round.failed++;
        if (js) this.#log.warn({ err, eventId: envelope.id, attempt }, 'publishing an event to NATS failed; will retry');
        await this.#store.events.retryPublishAt(envelope.id, new Date(this.#clock.now().getTime() + backoffMs(attempt)));
      }
    }
    return round;
  }

  async close(): Promise<void> {
    const nc = this.#nc;
    this.#nc = undefined;
    this.#js = undefined;
    if (nc && !nc.isClosed()) await nc.drain();
  }
}
