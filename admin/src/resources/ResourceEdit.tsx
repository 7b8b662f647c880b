import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Edit, ShowButton, TopToolbar, useDataProvider, useNotify, useRecordContext, useRedirect } from 'react-admin';
import { useParams } from 'react-router-dom';
import type { AppDataProvider } from '../data/data-provider';
import { SetPasswordButton } from '../auth/SetPasswordButton';
import { useResourceMeta } from '../data/use-meta';
import { represent, type ResourceMeta } from '../data/meta';
import { withoutReason } from './ReasonInput';
import { ResourceForm } from './ResourceForm';
import { ConflictPanel, type Conflict } from './ConflictPanel';
import { LinkedRecords } from '../links/LinkedRecords';
import { refusalMessage } from '../data/http';

interface HttpError {
  status?: number;
  message?: string;
  body?: { current?: Record<string, unknown> & { id: unknown }; message?: string };
}

/**
 * Edit form. Pessimistic, so the server's answer is waited for: field errors land on the inputs.
 * An optimistic-lock conflict (409, or 412 for If-Match, with the current record) keeps what the
 * user typed: the record under the form becomes the server's version (so the next save names the
 * new version) while the form keeps its unsaved fields, and the conflict panel shows both sides.
 */
export function ResourceEdit() {
  const meta = useResourceMeta();
  const notify = useNotify();
  const onMissing = useMissingRecord(meta);
  const queryClient = useQueryClient();
  const dataProvider = useDataProvider<AppDataProvider>();
  const [conflict, setConflict] = useState<Conflict | null>(null);
  if (!meta) return null;
  const onError = (error: unknown, variables?: { id?: unknown; data?: Record<string, unknown>; previousData?: Record<string, unknown> }) => {
    const e = error as HttpError;
    const current = e.body?.current;
    if ((e.status === 409 || e.status === 412) && current && variables) {
      const base = variables.previousData ?? {};
      setConflict({ base, yours: variables.data ?? {}, current, events: [] });
      // keepDirtyValues (below): the form resets to this version except where the user typed.
      queryClient.setQueriesData({ queryKey: [meta.name, 'getOne', { id: String(current.id) }] }, current);
      dataProvider.getHistory(meta.name, current.id as number).then(
        (events) => setConflict((c) => (c && c.current === current ? { ...c, events } : c)),
        () => undefined, // no history permission: the panel says "someone else"
      );
      return;
    }
    // Field errors are shown on the inputs by the form itself (react-admin reads body.errors).
    if (e.body && 'errors' in e.body) return;
    notify(refusalMessage(e, 'The change was not saved'), { type: 'error' });
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
      <ResourceForm meta={meta} resetOptions={KEEP_TYPING} header={conflict && <ConflictPanel meta={meta} conflict={conflict} />} footer={<LinkedRecords meta={meta} />} />
    </Edit>
  );
}

/**
 * When the record under the form changes (a conflict's version, Reload, a refetch), the form takes
 * the new values except where the user typed. A successful save stays successful through the
 * reset that follows it, or leaving for the show page would ask about "unsaved changes".
 */
const KEEP_TYPING = { keepDirtyValues: true, keepIsSubmitSuccessful: true };

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
