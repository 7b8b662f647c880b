import { useState } from 'react';
import { useNotify, useRefresh } from 'react-admin';
import type { ChangeSetResult } from '../../../contract/change-set';
import { refusal } from './errors';

/**
 * The preview-then-apply cycle of a bulk change (import, bulk edit): a preview is kept to show; an
 * apply says what it did, refreshes the list and calls `applied`; a refusal shows its message and,
 * when rows failed, their report.
 */
export function useChangeSet(applied: () => void) {
  const notify = useNotify();
  const refresh = useRefresh();
  const [preview, setPreview] = useState<ChangeSetResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (apply: boolean, send: () => Promise<ChangeSetResult>, done: (r: ChangeSetResult) => string) => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await send();
      if (apply) {
        notify(done(result), { type: 'success' });
        refresh();
        applied();
      } else setPreview(result);
    } catch (error) {
      const { message, report } = refusal(error);
      setProblem(message);
      if (report) setPreview(report);
    } finally {
      setBusy(false);
    }
  };
  return { preview, setPreview, problem, setProblem, busy, run };
}
