// `BENCH_SERVER_PROCESSES=<n> npm run bench`: the product as n server processes sharing one port
// (node:cluster), each the compiled server as `npm start` runs it (they inherit its Node flags). It
// answers whether the single Node thread or the machine is the limit: on 2 cores, one process keeps
// its thread busy with the machine not yet full; if n of them fill the machine and serve no more,
// the cores are the limit and what is left is the CPU each request costs.
import cluster from 'node:cluster';

if (cluster.isPrimary) {
  const n = Number(process.env.BENCH_SERVER_PROCESSES);
  for (let i = 0; i < n; i++) cluster.fork();
  // One SIGTERM stops them all; the primary leaves once every worker has.
  const stop = () => Object.values(cluster.workers).forEach((w) => w.process.kill('SIGTERM'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  cluster.on('exit', () => Object.keys(cluster.workers).length === 0 && process.exit(0));
} else {
  await import('../../dist/server/main.js');
}
