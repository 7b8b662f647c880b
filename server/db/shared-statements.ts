/**
 * Small statements that concurrent requests share: while `maxInFlight` of them run, new items
 * queue and go together in the next one (one statement, one round trip for many requests), so the
 * cost per request falls as the load rises, and a lone request waits for nobody. Each item's
 * statement is sent after the item was queued: it sees every commit made before then.
 *
 * `run` answers one result per item, in order; if it throws, every item of its batch fails with
 * that error (mapped by `refused`).
 */
export class SharedStatements<Item, Result> {
  private queue: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (items: Item[]) => Promise<Result[]>,
    private readonly options: { maxInFlight: number; maxBatch: number; size?: (item: Item) => number; refused?: (error: unknown, items: Item[]) => unknown },
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const size = this.options.size ?? (() => 1);
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch: typeof this.queue = [];
      let total = 0;
      while (this.queue.length > 0 && (batch.length === 0 || total + size(this.queue[0].item) <= this.options.maxBatch)) {
        const next = this.queue.shift()!;
        total += size(next.item);
        batch.push(next);
      }
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: typeof this.queue): Promise<void> {
    const items = batch.map((w) => w.item);
    let results: Result[];
    try {
      results = await this.run(items);
    } catch (error) {
      const refused = this.options.refused ? this.options.refused(error, items) : error;
      for (const w of batch) w.reject(refused);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }
}
