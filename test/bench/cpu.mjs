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

/** The postmaster whose command line names `dataDir`, and its children. */
function postgresPids(dataDir) {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  let master = null;
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(dataDir) && /postgres/.test(cmd)) master = Number(pid);
    } catch {}
  }
  if (master === null) return [];
  return [master, ...pids.map(Number).filter((pid) => stat(pid)?.ppid === master)];
}

/** Starts counting; `stop()` answers cores used per party over the elapsed time. */
export function cpuMeter({ server, dataDir }) {
  const t0 = performance.now();
  const pg0 = new Map(postgresPids(dataDir).map((pid) => [pid, stat(pid)?.ticks ?? 0]));
  const m0 = machine();
  const s0 = stat(server)?.ticks ?? 0;
  const self0 = stat(process.pid)?.ticks ?? 0;
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const m1 = machine();
    let pg = 0;
    for (const pid of postgresPids(dataDir)) pg += (stat(pid)?.ticks ?? 0) - (pg0.get(pid) ?? 0);
    const serverTicks = (stat(server)?.ticks ?? 0) - s0;
    const selfTicks = (stat(process.pid)?.ticks ?? 0) - self0;
    const cores = (ticks) => Math.round((ticks / TICK / seconds) * 100) / 100;
    const busy = cores(m1.busy - m0.busy);
    const [srv, db, load] = [cores(serverTicks), cores(pg), cores(selfTicks)];
    return { busy, server: srv, postgres: db, loadGenerator: load, others: Math.round((busy - srv - db - load) * 100) / 100 };
  };
}
