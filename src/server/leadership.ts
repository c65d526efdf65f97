import type { RunCoordinator } from '../runner/index.js';

/**
 * One process at a time fires the schedules, however many servers share the warehouse.
 * A follower asks again every `retryMs`; the leader's lock goes with its database
 * session, so when the leader dies another takes over within about one interval.
 */
export class Leadership {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;

  constructor(
    private readonly coordinator: RunCoordinator,
    private readonly role: string,
    private readonly retryMs: number,
    private readonly onLead: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries at once, then keeps trying until this process leads or `stop()`. */
  async start(): Promise<void> {
    await this.attempt();
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.leading) return;
    try {
      if (await this.coordinator.tryLead(this.role)) {
        this.leading = true;
        await this.onLead();
        return;
      }
    } catch (error) {
      this.onError(error);
    }
    this.timer = setTimeout(() => void this.attempt(), this.retryMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
