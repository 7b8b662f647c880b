import type { ChangeSetResult } from '../../../contract/change-set';
import { refusalMessage } from '../data/http';

/**
 * A refused bulk change answers 400 with the message and, when rows failed, the whole report:
 * the dialog shows that report instead of a bare notification.
 */
export function refusal(error: unknown): { message: string; report: ChangeSetResult | null } {
  const e = error as { body?: Partial<ChangeSetResult> & { message?: string }; message?: string };
  const report = e.body?.rows && e.body.counts ? (e.body as ChangeSetResult) : null;
  return { message: refusalMessage(e, 'The change was refused'), report };
}
