import { API, tokenStore } from '../data/http';
import { featureName } from '../data/features';

/** A document's record as the console uses it. */
export interface DocumentRecord {
  id: number;
  file_name: string;
  document_type: string;
  mime_type: string | null;
  file_size_bytes: number | null;
  uploaded_at: string | null;
  /** SHA-256 of the stored bytes; null for a row that only describes a file (the seeded consents). */
  checksum: string | null;
}

const auth = (): Record<string, string> => {
  const token = tokenStore.get();
  return token ? { Authorization: `Bearer ${token}` } : {};
};

/** The server's `{message}` of a refused request, or the status. */
async function refusal(res: Response): Promise<Error> {
  const body = await res.json().catch(() => null);
  return new Error(body?.message ?? `The server answered ${res.status}`);
}

/** POST /api/<resource>/<id>/files: the server checks the type from the content and the size. */
export async function uploadDocument(resource: string, id: string | number, file: File, documentType: string): Promise<DocumentRecord> {
  const form = new FormData();
  form.append('document_type', documentType);
  form.append('file', file, file.name);
  const res = await fetch(`${API}/${resource}/${id}/files`, { method: 'POST', headers: auth(), body: form });
  if (!res.ok) throw await refusal(res);
  return res.json();
}

/**
 * The document's bytes (checksum-verified by the server). Fetched with the bearer token, so a
 * preview or a download is a blob URL rather than a link that would need a cookie.
 */
export async function fetchDocument(id: number): Promise<Blob> {
  const res = await fetch(`${API}/${featureName('documents')}/${id}/content`, { headers: auth() });
  if (!res.ok) throw await refusal(res);
  return res.blob();
}

/** Saves the document under its file name through the browser's download. */
export async function saveDocument(doc: DocumentRecord): Promise<void> {
  const url = URL.createObjectURL(await fetchDocument(doc.id));
  const a = document.createElement('a');
  a.href = url;
  a.download = doc.file_name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const previewable = (mime: string | null) => mime === 'application/pdf' || !!mime?.startsWith('image/');
