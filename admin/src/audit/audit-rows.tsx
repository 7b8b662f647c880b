import { Link as MuiLink } from '@mui/material';
import { useRecordContext } from 'react-admin';
import { Link } from 'react-router-dom';
import { represent } from '../data/meta';
import { usePerms } from '../data/use-meta';

/** One audit_log row as the list serves it. */
export type Row = {
  id: number;
  table_name: string;
  record_pk: { id: number };
  action: string;
  changed_data: Record<string, unknown> | null;
  old_data: Record<string, unknown> | null;
  txid: number;
  user_id: number | null;
  occurred_at: string;
  reason: string | null;
};

/** An event's changed fields, before -> after (an UPDATE's stamps are its who and when, not changes). */
export function changesOf(r: Row) {
  const before = r.old_data ?? {};
  const after = r.changed_data ?? {};
  const stamps = new Set(['updated_at', 'updated_by', 'last_modified_at']);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => (r.action !== 'UPDATE' ? (r.action === 'INSERT' ? after[k] : before[k]) !== null : !stamps.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])))
    .map((field) => ({ field, before: r.action === 'INSERT' ? null : before[field], after: r.action === 'DELETE' ? null : after[field] }));
}

/** The record an event is about, by its representation: its page, or its history once deleted. */
export function RecordLink() {
  const r = useRecordContext<Row>();
  const perms = usePerms();
  if (!r) return null;
  const meta = perms?.resources.find((m) => m.name === r.table_name);
  const image = r.changed_data ?? r.old_data ?? {};
  const text = `${meta?.singular ?? r.table_name} ${represent(meta?.representation, { id: r.record_pk.id, ...image })}`;
  if (!meta) return <span>{text}</span>;
  // A deleted record is reached through its history.
  const to = r.action === 'DELETE' ? `/history/${r.table_name}/${r.record_pk.id}` : `/${r.table_name}/${r.record_pk.id}/show`;
  return (
    <MuiLink component={Link} to={to} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
      {text}
    </MuiLink>
  );
}
