// Where the CPU went during a run, from /proc (Linux): the whole machine, the server under test,
// the benchmark's PostgreSQL (its postmaster and every backend), this process (autocannon) and
// everything else (other jobs on a shared machine). In cores: 1.0 is one core busy for the run.
import { readFileSync, readdirSync } from 'node:fs';

const TICK = 100; // USER_HZ: clock ticks per second on Linux

function machine() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = f.map(Number);
  const idle = n[3] + n[4];
  return { busy: n.reduce((a, b) => a + b, 0) - idle };
}

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

const processes = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);

/** A process and its children: the postmaster and its backends, or the server and its workers. */
const family = (pid) => [pid, ...processes().filter((p) => stat(p)?.ppid === pid)];

/** The postmaster whose command line names `dataDir`, and its children. */
function postgresPids(dataDir) {
  for (const pid of processes()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(dataDir) && /postgres/.test(cmd)) return family(pid);
    } catch {}
  }
  return [];
}

/** Clock ticks of a set of processes from now on (those that end meanwhile are left out). */
function ticksOf(pids) {
  const start = new Map(pids().map((pid) => [pid, stat(pid)?.ticks ?? 0]));
  return () => pids().reduce((sum, pid) => sum + (stat(pid)?.ticks ?? 0) - (start.get(pid) ?? 0), 0);
}

/** Starts counting; `stop()` answers cores used per party over the elapsed time. */
export function cpuMeter({ server, dataDir }) {
  const t0 = performance.now();
  const m0 = machine();
  const [pg, srv, self] = [ticksOf(() => postgresPids(dataDir)), ticksOf(() => family(server)), ticksOf(() => [process.pid])];
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const cores = (ticks) => Math.round((ticks / TICK / seconds) * 100) / 100;
    const busy = cores(machine().busy - m0.busy);
    const [s, db, load] = [cores(srv()), cores(pg()), cores(self())];
    return { busy, server: s, postgres: db, loadGenerator: load, others: Math.round((busy - s - db - load) * 100) / 100 };
  };
}
