type Row = Record<string, unknown>;

/**
 * A row that left or came back to its table, told to listeners after the transaction committed
 * (the documents module moves a deleted document's bytes aside, and back on undo).
 */
export interface RowEvent {
  resource: string;
  action: 'deleted' | 'restored';
  /** The row's image as stored (every column). */
  row: Row;
}

/** Listeners of committed row events: awaited after the commit; their failure is logged, the write stands. */
export class RowEvents {
  private readonly listeners: ((events: RowEvent[]) => Promise<void>)[] = [];

  on(listener: (events: RowEvent[]) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async committed(events: RowEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      await listener(events).catch((error: unknown) => console.error('after-commit listener failed:', error));
    }
  }
}
