import { Box, Button } from '@mui/material';
import HistoryIcon from '@mui/icons-material/History';
import { useDataProvider, useNotify, useRecordContext } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import type { ResourceMeta } from '../data/meta';
import { useAsOf } from './as-of';
import { refusalMessage } from '../data/http';

interface AsOfLink {
  label: string;
  resource: string;
  match: Record<string, string>;
  at: string;
}

/** One declared link: finds the target as it stood at the record's moment and opens it there. */
function AsOfLinkButton({ link, record }: { link: AsOfLink; record: Record<string, unknown> }) {
  const [, setAsOf] = useAsOf(link.resource);
  const dataProvider = useDataProvider();
  const navigate = useNavigate();
  const notify = useNotify();
  const moment = record[link.at] as string | null | undefined;
  const filter = Object.fromEntries(Object.entries(link.match).map(([target, own]) => [target, record[own]]));
  if (!moment || Object.values(filter).some((v) => v === null || v === undefined)) return null;
  const open = async () => {
    try {
      const { data } = await dataProvider.getList(link.resource, { filter, sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: 2 }, meta: { asOf: moment } });
      setAsOf(moment);
      // One match: that record as it stood; several (or none): the list as of then, filtered.
      if (data.length === 1) navigate(`/${link.resource}/${data[0].id}/show`);
      else navigate(`/${link.resource}?${new URLSearchParams({ filter: JSON.stringify(filter) })}`);
    } catch (e) {
      notify(refusalMessage(e), { type: 'error' });
    }
  };
  return (
    <Button size="small" variant="outlined" startIcon={<HistoryIcon />} onClick={open} data-testid={`as-of-link-${link.resource}`}>
      {link.label} ({moment})
    </Button>
  );
}

/** The links a resource declares (`@Resource({ asOfLinks })`): other records as of a moment this one names. */
export function AsOfLinks({ meta }: { meta: ResourceMeta }) {
  const record = useRecordContext();
  const links = (meta as ResourceMeta & { asOfLinks?: AsOfLink[] }).asOfLinks ?? [];
  if (!record || links.length === 0) return null;
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 2 }} data-testid="as-of-links">
      {links.map((l) => (
        <AsOfLinkButton key={`${l.resource}:${l.at}`} link={l} record={record} />
      ))}
    </Box>
  );
}
