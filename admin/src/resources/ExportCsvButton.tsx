import DownloadIcon from '@mui/icons-material/GetApp';
import ArrowDropDownIcon from '@mui/icons-material/ArrowDropDown';
import { IconButton, Menu, MenuItem } from '@mui/material';
import { useState } from 'react';
import { Button, useListContext, useNotify, useResourceContext } from 'react-admin';
import { API, authorizedFetch } from '../data/http';
import { toServerFilter } from '../fields/values';

/** The file name the server gave (`claims-2026-12-01.csv`), from its Content-Disposition. */
function fileName(res: Response, fallback: string): string {
  const header = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? fallback;
}

/**
 * Downloads the filtered list as CSV from the server's streaming export (no page limit): headed by
 * labels with references by name, or raw (field names and stored ids, as an import reads them).
 */
export function ExportCsvButton() {
  const resource = useResourceContext();
  const { filterValues, sort } = useListContext();
  const notify = useNotify();
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const download = async (raw: boolean) => {
    setMenu(null);
    const query = new URLSearchParams({ filter: JSON.stringify(toServerFilter(filterValues)), sort: JSON.stringify([sort.field, sort.order]) });
    if (raw) query.set('raw', '1');
    let res: Response;
    try {
      res = await authorizedFetch(`${API}/${resource}/export?${query}`);
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
      return;
    }
    if (!res.ok) {
      const why = (await res.json().catch(() => ({}))).message ?? 'Export failed';
      // The button was offered, so a 403 means the permission was taken away since.
      notify(res.status === 403 ? `${why}: your role no longer has the ${resource}.export permission. The console now shows what it has.` : why, { type: 'error' });
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: fileName(res, `${resource}.csv`) });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <>
      <Button label="Export" onClick={() => download(false)}>
        <DownloadIcon />
      </Button>
      <IconButton size="small" color="primary" aria-label="Export options" aria-haspopup="menu" onClick={(e) => setMenu(e.currentTarget)}>
        <ArrowDropDownIcon />
      </IconButton>
      <Menu anchorEl={menu} open={!!menu} onClose={() => setMenu(null)}>
        <MenuItem onClick={() => download(false)}>Export with labels and names</MenuItem>
        <MenuItem onClick={() => download(true)}>Export raw: field names and ids</MenuItem>
      </Menu>
    </>
  );
}
