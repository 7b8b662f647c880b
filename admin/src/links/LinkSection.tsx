import { Autocomplete, Box, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import { useGetList, useGetMany, type Identifier, type RaRecord } from 'react-admin';
import { represent, type FieldMeta, type LinkMeta } from '../data/meta';
import { useMetaOf, usePerms } from '../data/use-meta';
import type { LinkRow } from './links-api';
import { LinkFieldInput } from './LinkFieldInput';

interface Props {
  link: LinkMeta;
  parentId: Identifier;
  /** The links as edited, or undefined while they are as stored. */
  edited: LinkRow[] | undefined;
  onEdit: (rows: LinkRow[]) => void;
}

/** A new link's own fields start at their declared literal defaults (is_required: false). */
function fresh(link: LinkMeta, fields: FieldMeta[], id: Identifier): LinkRow {
  const row: LinkRow = { [link.itemField]: id };
  for (const f of fields) {
    if (typeof f.default === 'boolean' || (typeof f.default === 'string' && f.choices?.includes(f.default))) row[f.name] = f.default;
  }
  return row;
}

/**
 * One join table's links on the parent's form: the linked records picked several at once (a search
 * of the item table), each link's own fields in a table beside it.
 */
export function LinkSection({ link, parentId, edited, onEdit }: Props) {
  const perms = usePerms();
  const through = useMetaOf(link.through);
  const item = perms?.resources.find((r) => r.name === link.item) ?? perms?.labels.find((r) => r.name === link.item);
  const current = useGetList<RaRecord>(link.through, { filter: { [link.parentField]: parentId }, pagination: { page: 1, perPage: 1000 }, sort: { field: 'id', order: 'ASC' } });
  const loaded = useMemo(() => (current.data ?? []).map((r) => Object.fromEntries([link.itemField, ...link.fields].map((f) => [f, r[f]]))), [current.data, link]);
  const rows = edited ?? loaded;
  const ids = rows.map((r) => r[link.itemField] as Identifier);
  const [search, setSearch] = useState('');
  const options = useGetList<RaRecord>(link.item, { filter: search ? { q: search } : {}, pagination: { page: 1, perPage: 50 }, sort: { field: 'id', order: 'ASC' } });
  const chosen = useGetMany<RaRecord>(link.item, { ids }, { enabled: ids.length > 0 });
  if (!through) return null;
  const fields = link.fields.map((n) => through.fields.find((f) => f.name === n)).filter((f): f is FieldMeta => !!f);
  const known = new Map([...(options.data ?? []), ...(chosen.data ?? [])].map((r) => [String(r.id), r]));
  const label = (id: Identifier) => represent(item?.representation, known.get(String(id))) || `#${id}`;
  const heading: string = perms?.resources.find((r) => r.name === link.item)?.label ?? through.label;
  const may = (action: string) => through.actions.includes(action);
  const headingId = `links-${link.through}-${link.parentField}`;
  const setField = (row: LinkRow, field: string, value: unknown) => onEdit(rows.map((r) => (r === row ? { ...r, [field]: value } : r)));
  return (
    <Box component="section" aria-labelledby={headingId} data-link={link.through} sx={{ mb: 3 }}>
      <Typography variant="subtitle1" component="h3" id={headingId} sx={{ fontWeight: 600 }}>
        {heading}
      </Typography>
      {current.isPending ? (
        <Typography>Loading…</Typography>
      ) : (
        <Autocomplete
          multiple
          disableCloseOnSelect
          filterSelectedOptions
          options={(options.data ?? []).map((r) => r.id)}
          value={ids}
          filterOptions={(x) => x}
          getOptionLabel={label}
          isOptionEqualToValue={(a, b) => String(a) === String(b)}
          onInputChange={(_, value, reason) => reason === 'input' && setSearch(value)}
          onChange={(_, next) => onEdit(next.map((id) => rows.find((r) => String(r[link.itemField]) === String(id)) ?? fresh(link, fields, id)))}
          // Read-only rather than disabled where the links may not change: disabled chips are faded past legible contrast.
          readOnly={!may('create') && !may('delete')}
          renderInput={(params) => <TextField {...params} label={`${heading}: pick one or several`} helperText={`Linked through ${through.label.toLowerCase()}`} />}
        />
      )}
      {fields.length > 0 && rows.length > 0 && (
        <Table size="small" sx={{ mt: 1 }} aria-labelledby={headingId}>
          <TableHead>
            <TableRow>
              <TableCell>{through.fields.find((f) => f.name === link.itemField)?.label ?? heading}</TableCell>
              {fields.map((f) => (
                <TableCell key={f.name}>{f.label}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={String(row[link.itemField])} data-linked={String(row[link.itemField])}>
                <TableCell component="th" scope="row">
                  {label(row[link.itemField] as Identifier)}
                </TableCell>
                {fields.map((f) => (
                  <TableCell key={f.name}>
                    <LinkFieldInput
                      field={f}
                      value={row[f.name]}
                      // A stored link's fields are an edit of it; a new one's are part of its create.
                      disabled={!may(loaded.some((r) => String(r[link.itemField]) === String(row[link.itemField])) ? 'edit' : 'create')} 
                      label={`${f.label} for ${label(row[link.itemField] as Identifier)}`}
                      onChange={(v) => setField(row, f.name, v)}
                    />
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
