// `node test/bench/profile-summary.mjs <file.cpuprofile>`: where a V8 CPU profile (BENCH_PROFILE=dir
// npm run bench) spent its samples: by area (idle, GC, native socket I/O, the pg driver, the
// framework, the product's own code) and the top functions by self time.
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(frame) {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return 'idle (waiting for I/O)';
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8/native (program)';
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(url)) return 'pg driver';
  if (/node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|@nestjs|reflect-metadata|rxjs)\//.test(url)) return 'framework (Nest, Fastify)';
  if (/node_modules\/@mikro-orm\//.test(url)) return 'MikroORM';
  if (/node_modules\/jose\//.test(url)) return 'JWT (jose)';
  if (/node_modules\//.test(url)) return 'other packages';
  if (/dist\/server\//.test(url)) return 'product code';
  if (url.startsWith('node:') || url === '' ) return /write|read|stream|socket|net|tcp|Pipe|Writev/i.test(fn + url) ? 'node: net and streams' : 'node internals';
  return 'other';
}

const areas = new Map();
const funcs = new Map();
for (const [id, us] of self) {
  const frame = byId.get(id).callFrame;
  const a = area(frame);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*dist\//, 'dist/')}:${frame.lineNumber + 1}`;
  funcs.set(key, (funcs.get(key) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${(total / 1e6).toFixed(1)} s sampled\n\nby area:`);
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1])) console.log(`  ${pct(us)}  ${a}`);
console.log('\ntop functions by self time:');
for (const [f, us] of [...funcs].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${pct(us)}  ${f}`);
