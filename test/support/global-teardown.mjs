import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  await globalThis.__EMBEDDED_PG__?.stop();
  if (process.env.TEST_PG_DATA_DIR) await rm(process.env.TEST_PG_DATA_DIR, { recursive: true, force: true });
}
