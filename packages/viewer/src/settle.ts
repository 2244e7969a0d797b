/// <reference lib="dom" />
/**
 * The sharp redraw that ends a zoom or pan gesture, made in slices. Drawn in one go it was one
 * main-thread task of 66 ms (mean; 100 at p95) for 5 000 tracks with their probability map and
 * markers (bench:viewer): Skia stroking 360 000 hairline segments is the floor for the tracks, so
 * the work cannot be made cheaper, only spread. Each layer (tracks.ts, frequency.ts) draws its
 * sharp picture into offscreen canvases of its own, a bounded unit of work at a time, while the
 * screen keeps the gesture's quick picture; when every layer's picture is complete they are all
 * put on screen in the same task (one drawImage per canvas), so the user sees either the quick
 * picture or the whole sharp one, never part of one or layers from different moments.
 *
 * A job's step rasterises what it drew before it returns (a canvas records its drawing and
 * rasterises it when read or shown): otherwise the steps would be cheap and the swap, which
 * shows the offscreen canvases, would pay for all of it at once.
 */

/** One layer's part of a progressive sharp redraw. */
export interface SettleJob {
  /** Draws one bounded unit into the job's offscreen canvases, rasterised; true when all is drawn. */
  step(): boolean;
  /** Puts the finished offscreen drawing on screen (one drawImage per canvas). */
  swap(): void;
}

/** Runs the jobs of every layer, a slice per animation frame, and swaps them in together. */
export class Settler {
  /**
   * Work done in one animation frame before the next unit waits for the next frame, ms. A unit is
   * at most a few ms (a few frames of tracks, the map's cells, the markers' stamps), so a slice
   * stays well under the 50 ms a task may take without the page feeling stuck.
   */
  sliceBudgetMs = 10;
  /** Called after the swap, inside the timed slice (bench.ts forces the screen's rasterisation). */
  afterSwap: (() => void) | null = null;
  /** Called with each slice's duration in ms and whether it swapped (bench.ts). */
  onSlice: ((ms: number, swapped: boolean) => void) | null = null;
  /**
   * A settler whose work comes first: while it is busy this one waits (the overviews wait for the
   * sharp redraw, so that no animation frame runs a slice of both).
   */
  yieldsTo: Settler | null = null;
  private jobs: SettleJob[] = [];
  private finished = new Set<SettleJob>();
  private frame = 0;
  private waiters: (() => void)[] = [];

  /** Adds a job; its slices begin at the next animation frame. */
  start(job: SettleJob): void {
    this.jobs.push(job);
    this.schedule();
  }

  /** Drops a job (its layer started a gesture, or its content changed); the others go on. */
  cancel(job: SettleJob): void {
    const i = this.jobs.indexOf(job);
    if (i < 0) return;
    this.jobs.splice(i, 1);
    this.finished.delete(job);
    // The ones left may all be finished already: they are swapped at the next frame.
    if (this.jobs.length === 0) this.idle();
  }

  /** A job whose work grew (frames appended during the slices): it is not finished any more. */
  resume(job: SettleJob): void {
    if (this.finished.delete(job)) this.schedule();
  }

  /** Whether some sharp redraw is still being made. */
  get busy(): boolean {
    return this.jobs.length > 0;
  }

  /** Resolves when no job is left (all swapped in, or cancelled). */
  whenSettled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.tick);
  }

  private idle(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private readonly tick = (): void => {
    this.frame = 0;
    if (this.yieldsTo?.busy) {
      this.schedule();
      return;
    }
    const t0 = performance.now();
    let worked = false;
    // Layer by layer, in the order they started: a slice may finish one and begin the next. At
    // least one unit per slice, however small the budget.
    for (const job of this.jobs) {
      if (this.finished.has(job)) continue;
      do {
        worked = true;
        if (job.step()) {
          this.finished.add(job);
          break;
        }
      } while (performance.now() - t0 < this.sliceBudgetMs);
      if (!this.finished.has(job) || performance.now() - t0 >= this.sliceBudgetMs) break;
    }
    const complete = this.jobs.every((job) => this.finished.has(job));
    // The swap (a few ms of drawImage) in the same slice only if little of its budget is spent.
    const swap = complete && (!worked || performance.now() - t0 < this.sliceBudgetMs / 2);
    if (swap) {
      const jobs = this.jobs;
      this.jobs = [];
      this.finished.clear();
      for (const job of jobs) job.swap();
      this.afterSwap?.();
    }
    this.onSlice?.(performance.now() - t0, swap);
    if (swap) this.idle();
    else if (this.jobs.length > 0) this.schedule();
  };
}

/** The settler the page's layers share, so that their sharp pictures appear in the same frame. */
export const sharedSettler = new Settler();

/**
 * The settler that makes the layers' overviews (overview.ts) after a sharp drawing, in slices like
 * the sharp redraw's and after it: built in one task it was 118 ms (mean) for 5 000 tracks with
 * their map and markers (bench:viewer), paid by the first zoom-out step when not yet made.
 */
export const overviewSettler = new Settler();
overviewSettler.yieldsTo = sharedSettler;
