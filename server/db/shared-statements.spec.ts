import { describe, expect, it } from '@jest/globals';
import { SharedStatements } from './shared-statements.js';

/** A statement runner whose runs end when the test says: which batches ran, and in what order. */
function runner() {
  const runs: { items: number[]; finish: (error?: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      runs.push({ items, finish: (error) => (error ? reject(error) : resolve(items.map((i) => `answer ${i}`))) });
    });
  return { runs, run };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('shared statements', () => {
  it('sends a lone item at once, and answers it its own result', async () => {
    const { runs, run } = runner();
    const shared = new SharedStatements(run, { maxInFlight: 1, maxBatch: 10 });
    const answer = shared.add(7);
    expect(runs.map((r) => r.items)).toEqual([[7]]);
    runs[0].finish();
    await expect(answer).resolves.toBe('answer 7');
  });

  it('queues items while the limit runs, and sends them together next, each answered in order', async () => {
    const { runs, run } = runner();
    const shared = new SharedStatements(run, { maxInFlight: 1, maxBatch: 10 });
    const first = shared.add(1);
    const later = [shared.add(2), shared.add(3), shared.add(4)];
    expect(runs.map((r) => r.items)).toEqual([[1]]);
    runs[0].finish();
    await first;
    await settle();
    expect(runs.map((r) => r.items)).toEqual([[1], [2, 3, 4]]);
    runs[1].finish();
    await expect(Promise.all(later)).resolves.toEqual(['answer 2', 'answer 3', 'answer 4']);
  });

  it('keeps each batch within its size, and runs up to maxInFlight at once', async () => {
    const { runs, run } = runner();
    const shared = new SharedStatements(run, { maxInFlight: 2, maxBatch: 5, size: (n: number) => n });
    const all = [4, 3, 2, 2, 1].map((n) => shared.add(n));
    // Two run at once (4, then 3); the rest wait and go as 2+2+1 = 5.
    expect(runs.map((r) => r.items)).toEqual([[4], [3]]);
    runs[0].finish();
    await settle();
    expect(runs.map((r) => r.items)).toEqual([[4], [3], [2, 2, 1]]);
    runs[1].finish();
    runs[2].finish();
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  it('fails the items of a failed batch only, with the error `refused` makes of it', async () => {
    const { runs, run } = runner();
    const shared = new SharedStatements(run, { maxInFlight: 1, maxBatch: 10, refused: (error, items) => new Error(`${items.length} refused: ${(error as Error).message}`) });
    const first = shared.add(1);
    const second = [shared.add(2), shared.add(3)];
    runs[0].finish(new Error('disk full'));
    await expect(first).rejects.toThrow('1 refused: disk full');
    await settle();
    runs[1].finish();
    await expect(Promise.all(second)).resolves.toEqual(['answer 2', 'answer 3']);
  });
});
