import { Alert, Button } from '@mui/material';
import { Edit, ShowButton, TopToolbar, useNotify, useRecordContext, useRedirect, useRefresh } from 'react-admin';
import { useParams } from 'react-router-dom';
import { SetPasswordButton } from '../auth/SetPasswordButton';
import { useResourceMeta } from '../data/use-meta';
import { represent, type ResourceMeta } from '../data/meta';
import { withoutReason } from './ReasonInput';
import { ResourceForm } from './ResourceForm';
import { LinkedRecords } from '../links/LinkedRecords';

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
  const onMissing = useMissingRecord(meta);
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
    <Edit
      mutationMode="pessimistic"
      transform={withoutReason}
      mutationOptions={{ onError }}
      queryOptions={{ onError: onMissing }}
      actions={<EditActions meta={meta} />}
      title={<Title template={meta.representation} label={`Edit ${meta.singular.toLowerCase()}`} />}
      redirect="show"
    >
      <ResourceForm meta={meta} />
      <LinkedRecords meta={meta} />
    </Edit>
  );
}

function EditActions({ meta }: { meta: ResourceMeta }) {
  return (
    <TopToolbar>
      {meta.actions.includes('show') && <ShowButton />}
      {meta.tools.includes('password') && <SetPasswordButton />}
    </TopToolbar>
  );
}

/** A record that cannot be read: say which one, then back to its list (react-admin's own default). */
export function useMissingRecord(meta: ResourceMeta | undefined) {
  const notify = useNotify();
  const redirect = useRedirect();
  const { id } = useParams();
  return () => {
    notify(`${meta?.singular ?? 'Record'} #${id} does not exist, or you may not see it`, { type: 'error' });
    if (meta) redirect('list', meta.name);
  };
}

export function Title({ template, label }: { template: string; label: string }) {
  const record = useRecordContext();
  return <span>{record ? `${label}: ${represent(template, record)}` : label}</span>;
}
