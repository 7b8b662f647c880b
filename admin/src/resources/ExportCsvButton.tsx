import DownloadIcon from '@mui/icons-material/GetApp';
import { Button, useListContext, useNotify, useResourceContext } from 'react-admin';
import { API, tokenStore } from '../data/http';

/** Downloads the filtered list as CSV from the server's streaming export (no page limit). */
export function ExportCsvButton() {
  const resource = useResourceContext();
  const { filterValues, sort } = useListContext();
  const notify = useNotify();
  const download = async () => {
    const query = new URLSearchParams({ filter: JSON.stringify(filterValues ?? {}), sort: JSON.stringify([sort.field, sort.order]) });
    const res = await fetch(`${API}/${resource}/export?${query}`, { headers: { Authorization: `Bearer ${tokenStore.get()}` } });
    if (!res.ok) {
      notify((await res.json().catch(() => ({}))).message ?? 'Export failed', { type: 'error' });
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
