/**
 * Serialized answers kept per state (StateReader makes a new `Status` whenever a job
 * changes the state store) and for a few seconds: only freshness against an SLA moves
 * with the clock, and SLAs are minutes to days long. An answer is serialized through its
 * route's schema before it is kept, so a kept answer is exactly what the route sends.
 */
import type { FastifyReply } from 'fastify';
import type { Status } from './status.js';

type Serialized = ReturnType<FastifyReply['serialize']>;
type Kept = Map<string, { at: number; body: Serialized }>;

export class AnswerCache {
  private readonly byStatus = new WeakMap<Status, Kept>();

  constructor(
    private readonly ttlMs: number,
    /** Answers kept per state; the least recently used goes first. */
    private readonly max: number,
  ) {}

  /** Sends the kept answer for `key`, or makes, keeps and sends a new one. */
  async send(reply: FastifyReply, status: Status, key: string, make: () => unknown): Promise<FastifyReply> {
    let answers = this.byStatus.get(status);
    if (!answers) this.byStatus.set(status, (answers = new Map() as Kept));
    const now = Date.now();
    let kept = answers.get(key);
    if (kept && now - kept.at < this.ttlMs) {
      // Most recently used last: a Map iterates in insertion order.
      answers.delete(key);
    } else {
      kept = { at: now, body: reply.serialize(await make()) };
    }
    answers.set(key, kept);
    if (answers.size > this.max) answers.delete(answers.keys().next().value ?? key);
    return reply.type('application/json; charset=utf-8').send(kept.body);
  }
}
