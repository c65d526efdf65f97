import { channelKey, type Message } from '../incidents/index.js';
import type { Mesh } from '../spec/index.js';
import type { OutboxRecord, SqlIncidentStore } from '../state/index.js';
import type { AlertRecorder } from './recorder.js';
import { sendTo, type Env, type SendOutcome } from './senders.js';

export interface DeliveryOptions {
  readonly root: string;
  readonly env: Env;
  /** Attempts before a message becomes a dead letter (default 8). */
  readonly maxAttempts?: number;
  /** First retry delay; doubled each attempt (default 2 s). */
  readonly backoffMs?: number;
  /** The longest wait between attempts (default 5 min). */
  readonly maxBackoffMs?: number;
  /** One attempt's time limit (default 10 s). */
  readonly timeoutMs?: number;
  /** Between two messages to one Slack webhook (default 1 s). */
  readonly slackIntervalMs?: number;
  /** Channels delivered to side by side (default 8); each channel's own messages go one at a time, in order. */
  readonly parallelChannels?: number;
  /** Only these channel types (an offline `tessera run` delivers files at once, the rest later). */
  readonly only?: readonly string[];
  /** Raises the platform alert when a channel fails for good. */
  readonly recorder?: AlertRecorder;
  readonly mesh?: () => Mesh | undefined;
  readonly log?: (line: string) => void;
  /** The clock that says what is due (default the system's; a test moves it past a grouping window). */
  readonly now?: () => Date;
}

export interface DeliveryStats {
  readonly delivered: number;
  readonly failed: number;
  readonly dead: number;
}

/** The wait before attempt `attempt + 1`: exponential, capped, with ±20 % jitter (so a recovering receiver is not hit all at once). */
export function backoff(attempt: number, baseMs: number, capMs: number, random = Math.random()): number {
  const raw = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random));
}

/**
 * The delivery loop over the outbox: due rows oldest first, one attempt each; a success
 * is marked delivered after the channel said so (so a crash in between sends it again,
 * with the same idempotency key); a failure waits its backoff; the last failure makes
 * it a dead letter and raises the platform alert.
 */
export class Deliverer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DeliveryStats> | undefined;
  private stopped = false;

  constructor(
    private readonly store: SqlIncidentStore,
    private readonly options: DeliveryOptions,
  ) {}

  /** Delivers everything due now, once; with `untilIdle`, keeps going until nothing pending is due within `waitMs`. */
  async flush(options: { untilIdle?: boolean; waitMs?: number } = {}): Promise<DeliveryStats> {
    let total = { delivered: 0, failed: 0, dead: 0 };
    for (;;) {
      const stats = await this.pass();
      total = { delivered: total.delivered + stats.delivered, failed: total.failed + stats.failed, dead: total.dead + stats.dead };
      if (!options.untilIdle || this.stopped) return total;
      const next = await this.store.nextDue();
      if (!next) return total;
      const wait = next.getTime() - this.now().getTime();
      if (wait > (options.waitMs ?? 0)) return total;
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    }
  }

  /** Runs in the background: delivers what is due, then sleeps until the next row is due (or `poke` is called). */
  start(pollMs = 1000): void {
    this.stopped = false;
    const tick = (): void => {
      if (this.stopped) return;
      this.running ??= this.pass().finally(() => {
        this.running = undefined;
      });
      void this.running
        .catch((error: unknown) => this.options.log?.(`alerts: delivery failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, pollMs);
        });
    };
    tick();
  }

  /** Something was queued: deliver now rather than at the next poll. */
  poke(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * One pass over what is due: each channel's rows in order (one at a time, so a webhook
   * sees them in order and Slack's rate holds), different channels side by side, so a
   * channel that times out does not hold the others up.
   */
  private async pass(): Promise<DeliveryStats> {
    const stats = { delivered: 0, failed: 0, dead: 0 };
    const rows = (await this.store.due(this.now(), 500)).filter((r) => !this.options.only || this.options.only.includes(r.channel['type'] ?? ''));
    const byChannel = new Map<string, OutboxRecord[]>();
    for (const row of rows) {
      const key = channelKey(row.channel);
      byChannel.set(key, [...(byChannel.get(key) ?? []), row]);
    }
    const queues = [...byChannel.values()];
    const lanes = Math.max(1, this.options.parallelChannels ?? 8);
    await Promise.all(
      Array.from({ length: Math.min(lanes, queues.length) }, async () => {
        for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
          for (const row of queue) {
            if (this.stopped) return;
            const outcome = await this.deliverOne(row);
            stats[outcome]++;
            // A channel that just failed gets no more attempts this pass: its other rows wait their turn.
            if (outcome !== 'delivered') break;
          }
        }
      }),
    );
    return stats;
  }

  private async deliverOne(row: OutboxRecord): Promise<keyof DeliveryStats> {
    const outcome = await this.attempt(row);
    if (outcome.ok) {
      await this.store.markDelivered(row.id, outcome.answer, this.now());
      return 'delivered';
    }
    const attempts = row.attempts + 1;
    const max = this.options.maxAttempts ?? 8;
    if (outcome.permanent || attempts >= max) {
      await this.store.markFailed(row.id, outcome.answer, undefined);
      this.options.log?.(`alerts: message ${row.id} to ${row.team} is a dead letter after ${attempts} attempt(s): ${outcome.answer}`);
      if (row.kind !== 'platform') await this.options.recorder?.raisePlatformAlert(this.options.mesh?.(), row.channel, row.team, outcome.answer);
      return 'dead';
    }
    const wait = Math.max(backoff(attempts, this.options.backoffMs ?? 2000, this.options.maxBackoffMs ?? 300_000), outcome.retryAfterMs ?? 0);
    await this.store.markFailed(row.id, outcome.answer, new Date(this.now().getTime() + wait));
    return 'failed';
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private attempt(row: OutboxRecord): Promise<SendOutcome> {
    return sendTo(row.channel, row.payload as unknown as Message, row.key, {
      root: this.options.root,
      env: this.options.env,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      slackIntervalMs: this.options.slackIntervalMs ?? 1000,
    });
  }
}
