// Entry point: the Node check first (node-version.ts imports nothing), then the command.
import { requireNode } from '../node-version.js';

requireNode();
await import('./run/seed.js');
