import { Box, Typography } from '@mui/material';
import { cloneElement, type ReactElement, type ReactNode } from 'react';
import { SimpleForm, useGetIdentity, useRecordContext, type SimpleFormProps } from 'react-admin';
import type { FieldMeta, ResourceMeta } from '../data/meta';
import { inputFor } from '../fields/input-registry';
import { usePerms, useReadable } from '../data/use-meta';
import { labelsOnly } from '../data/http';
import { FillFromReference } from '../fields/FillFromReference';
import { ReasonInput } from './ReasonInput';

/**
 * One form for create and edit: writable fields grouped by the declared sections. Leaving it with
 * unsaved changes asks first. The toolbar's Delete is react-admin's, shown only when the
 * authProvider's canAccess allows `<resource>.delete`.
 */
export function ResourceForm({ meta, header, footer, ...props }: { meta: ResourceMeta; header?: ReactNode; footer?: ReactNode } & Omit<SimpleFormProps, 'children'>) {
  const readable = useReadable();
  const perms = usePerms();
  const record = useRecordContext();
  const { identity } = useGetIdentity();
  const own = !!record && !!identity && record.id === identity.id;
  // Fields the server would refuse to change are shown locked, with its reason, not offered.
  const input = (f: FieldMeta) => {
    const why = own ? f.lockedOnOwnRecord : f.locked;
    // Offered: what the caller may save there (their scope's values; active users as assignees).
    const target = f.reference && !labelsOnly.has(f.reference.resource) ? perms?.resources.find((r) => r.name === f.reference!.resource) : undefined;
    const allowed = meta.scopeChoices?.[f.name];
    const element = inputFor(f, readable, { allowed, offered: target?.offered }) as ReactElement<Record<string, unknown>>;
    if (why) return cloneElement(element, { disabled: true, helperText: `Locked: ${why}` });
    // One possible value (a practitioner's own students are theirs): shown, not offered as a choice.
    if (allowed?.length === 1) return cloneElement(element, { disabled: true, helperText: 'The only value you may save here' });
    return element;
  };
  const writable = meta.fields.filter((f) => !f.readOnly);
  const names = new Set(writable.map((f) => f.name));
  const sections = meta.sections.length ? meta.sections : [{ title: '', fields: writable.map((f) => f.name) }];
  const placed = new Set(sections.flatMap((s) => s.fields));
  const rest = writable.filter((f) => !placed.has(f.name)).map((f) => f.name);
  const groups = [...sections, ...(rest.length ? [{ title: sections[0].title ? 'Other' : '', fields: rest }] : [])];
  return (
    <SimpleForm warnWhenUnsavedChanges {...props}>
      {header}
      {groups.map((g) => (
        <Box key={g.title || 'fields'} sx={{ width: '100%', mb: 1 }}>
          {g.title && (
            <Typography variant="subtitle1" sx={{ mt: 1, mb: 1, fontWeight: 600 }}>
              {g.title}
            </Typography>
          )}
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, columnGap: 2 }}>
            {g.fields.filter((n) => names.has(n)).map((n) => input(writable.find((f) => f.name === n)!))}
          </Box>
        </Box>
      ))}
      <FillFromReference meta={meta} />
      {/* Saved with the fields (the record's linked records, on the edit form). */}
      {footer}
      {meta.askReason && <ReasonInput />}
    </SimpleForm>
  );
}
