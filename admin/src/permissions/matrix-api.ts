import { API, httpClient } from '../data/http';
import type { CellChange, Matrix, MatrixEffect } from '../../../contract/permission-matrix';

export type MatrixDiff = MatrixEffect;

const MATRIX = `${API}/permission-matrix`;

export const loadMatrix = () => httpClient(MATRIX).then(({ json }) => json as Matrix);

export const previewMatrix = (version: string, changes: CellChange[]) =>
  httpClient(`${MATRIX}/preview`, { method: 'POST', body: JSON.stringify({ version, changes }) }).then(({ json }) => json as MatrixDiff);

export const saveMatrix = (version: string, changes: CellChange[], reason: string) =>
  httpClient(MATRIX, { method: 'POST', body: JSON.stringify({ version, changes }), reason }).then(({ json }) => json as MatrixDiff);
