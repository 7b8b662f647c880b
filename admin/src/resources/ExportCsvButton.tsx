import DownloadIcon from '@mui/icons-material/GetApp';
import { Button, useListContext, useNotify, useResourceContext } from 'react-admin';
import { API, authorizedFetch } from '../data/http';
import { toServerFilter } from '../fields/values';

/** Downloads the filtered list as CSV from the server's streaming export (no page limit). */
export function ExportCsvButton() {
  const resource = useResourceContext();
  const { filterValues, sort } = useListContext();
  const notify = useNotify();
  const download = async () => {
    const query = new URLSearchParams({ filter: JSON.stringify(toServerFilter(filterValues)), sort: JSON.stringify([sort.field, sort.order]) });
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
    const a = Object.assign(document.createElement('a'), { href: url, download: `${resource}.csv` });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Button label="Export" onClick={download}>
      <DownloadIcon />
    </Button>
  );
}
