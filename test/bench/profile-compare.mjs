// `node test/bench/profile-compare.mjs <dir>`: where the product's CPU goes per request, beside the
// bare baseline's, from the V8 CPU profiles `BENCH_PROFILE=<dir> npm run bench` writes for both
// (the product's first, the baseline's second, by start time). Requests are counted from
// bench/results.json (each scenario's req/s × duration): run it with a BENCH_ONLY that leaves out
// the access-cost runs (whose requests the product serves too), e.g. BENCH_ONLY='^list: 25 claims'.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
const results = JSON.parse(readFileSync('bench/results.json', 'utf8'));
if (results.accessLogging.length > 0) throw new Error('the access-cost runs ran too: their requests would be missing from the count');
const requests = (side) => results.scenarios.reduce((n, s) => n + (s[side].runs ?? [s[side].rps]).reduce((a, rps) => a + rps, 0) * results.durationSeconds, 0);

/** Busy microseconds by function (self time), idle left out. */
function selfTimes(file) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const out = new Map();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    if (frame.functionName === '(idle)') return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*dist\//, 'dist/').replace(/^.*test\/bench\//, 'test/bench/')}`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return out;
}

const product = selfTimes(files[0]);
const baseline = selfTimes(files[1]);
const [np, nb] = [requests('product'), requests('baseline')];
const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
const per = (us, n) => (us / n).toFixed(1).padStart(8);
console.log(`${Math.round(np)} product requests, ${Math.round(nb)} baseline requests`);
console.log(`busy CPU per request (µs): product ${per(sum(product), np)}, baseline ${per(sum(baseline), nb)}\n`);
console.log('  product baseline  (µs per request, self time)');
const keys = [...new Set([...product.keys(), ...baseline.keys()])].sort((a, b) => (product.get(b) ?? 0) / np - (product.get(a) ?? 0) / np);
for (const key of keys.slice(0, Number(process.argv[3] ?? 30))) console.log(`${per(product.get(key) ?? 0, np)} ${per(baseline.get(key) ?? 0, nb)}  ${key}`);
