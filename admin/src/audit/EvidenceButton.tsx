import DownloadIcon from '@mui/icons-material/Download';
import { Button, useNotify } from 'react-admin';
import { API, httpClient, refusalMessage } from '../data/http';
import { useCan } from '../data/use-meta';

function save(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Saves the record's history (its audit events and the reads of it) as a signed evidence file
 * and its detached signature (`<name>.sig`), which `npm run audit:verify-export` checks.
 */
export function EvidenceButton({ resource, id }: { resource: string; id: string | number }) {
  const notify = useNotify();
  if (!useCan('audit.browse')) return null;
  const exportEvidence = async () => {
    try {
      const { json } = await httpClient(`${API}/${resource}/${encodeURIComponent(id)}/history/evidence`);
      save(json.name, json.file, 'application/json');
      save(`${json.name}.sig`, json.signature + '\n', 'text/plain');
      notify(`Saved ${json.name} and its signature (key ${String(json.key_id).slice(0, 16)}…)`, { type: 'success' });
    } catch (e) {
      notify(refusalMessage(e), { type: 'error' });
    }
  };
  return (
    <Button label="Export signed evidence" onClick={exportEvidence}>
      <DownloadIcon />
    </Button>
  );
}
