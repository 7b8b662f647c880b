// `npm start`'s entry: the Node check first (node-version.ts imports nothing), then the server.
import { requireNode } from './node-version.js';

requireNode();
await import('./serve.js');
