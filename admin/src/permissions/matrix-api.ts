import { API, httpClient } from '../data/http';

/** `GET /api/permission-matrix`: the matrix as stored, each permission in words. */
export interface MatrixItem {
  id: number;
  name: string;
  area: string;
  resource: string | null;
  table: string;
  action: string;
  words: string;
  grants: Record<string, boolean>;
}

export interface MatrixRole {
  role: string;
  label: string;
  activeUsers: number;
}

export interface Matrix {
  version: string;
  roles: MatrixRole[];
  actions: { action: string; words: string }[];
  areas: { title: string; items: MatrixItem[] }[];
}

export interface CellChange {
  permission: string;
  role: string;
  granted: boolean;
}

type Effect = Pick<MatrixItem, 'name' | 'table' | 'words'>;

/** What a batch of changes does (the preview), and once saved, its change set. */
export interface MatrixDiff {
  cells: number;
  activeUsers: number;
  roles: (MatrixRole & { gains: Effect[]; losses: Effect[] })[];
  applied: boolean;
  txid: number | null;
}

const MATRIX = `${API}/permission-matrix`;

export const loadMatrix = () => httpClient(MATRIX).then(({ json }) => json as Matrix);

export const previewMatrix = (version: string, changes: CellChange[]) =>
  httpClient(`${MATRIX}/preview`, { method: 'POST', body: JSON.stringify({ version, changes }) }).then(({ json }) => json as MatrixDiff);

export const saveMatrix = (version: string, changes: CellChange[], reason: string) =>
  httpClient(MATRIX, { method: 'POST', body: JSON.stringify({ version, changes }), reason }).then(({ json }) => json as MatrixDiff);
