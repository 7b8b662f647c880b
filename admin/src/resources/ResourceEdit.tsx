import { Alert, Button } from '@mui/material';
import { Edit, useNotify, useRecordContext, useRefresh } from 'react-admin';
import { useResourceMeta } from '../data/use-meta';
import { represent } from '../data/meta';
import { withoutReason } from './ReasonInput';
import { ResourceForm } from './ResourceForm';

interface HttpError {
  status?: number;
  message?: string;
  body?: { current?: Record<string, unknown>; message?: string };
}

/**
 * Edit form. Pessimistic, so the server's answer is waited for: field errors land on the inputs,
 * and an optimistic-lock conflict (409 with the current record) is explained with a way to reload.
 */
export function ResourceEdit() {
  const meta = useResourceMeta();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!meta) return null;
  const onError = (error: unknown) => {
    const e = error as HttpError;
    if (e.status === 409 && e.body?.current) {
      notify(
        <Alert
          severity="warning"
          action={
            <Button color="inherit" size="small" onClick={() => refresh()}>
              Reload
            </Button>
          }
        >
          Someone else changed this record since you opened it. Your change was not saved: reload to see their version, then make it again.
        </Alert>,
        { autoHideDuration: 20000 },
      );
      return;
    }
    // Field errors are shown on the inputs by the form itself (react-admin reads body.errors).
    if (e.body && 'errors' in e.body) return;
    notify(e.body?.message ?? e.message ?? 'The change was not saved', { type: 'error' });
  };
  return (
    <Edit mutationMode="pessimistic" transform={withoutReason} mutationOptions={{ onError }} title={<Title template={meta.representation} label={meta.singular} />} redirect="show">
      <ResourceForm meta={meta} />
    </Edit>
  );
}

export function Title({ template, label }: { template: string; label: string }) {
  const record = useRecordContext();
  return <span>{record ? `${label}: ${represent(template, record)}` : label}</span>;
}
