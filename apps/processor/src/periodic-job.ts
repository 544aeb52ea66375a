import type { Logger } from '@telemetry/service-runtime';

/**
 * Runs `work` every `intervalMs`, never two runs at once (a slow run delays the next instead of
 * piling up). A failed run is logged and counted, and the next one tries again. stop() waits for
 * the run in progress, so shutdown never cuts a transaction in half.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
    private readonly onFailure: (job: string) => void,
  ) {}

  start(runNow = false): void {
    if (runNow) void this.runOnce();
    this.schedule();
  }

  /** Runs now (and resolves when done); used at start and by tests. */
  async runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.work()
      .catch((error: unknown) => {
        this.onFailure(this.name);
        this.logger.error({ err: error, job: this.name }, 'periodic job failed');
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().then(() => this.schedule());
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
