import * as fs from 'node:fs';

/**
 * CPU time (ms) of each thread of a process, user and system apart, by thread name, from
 * /proc/<pid>/task (Linux only; elsewhere an empty map). Threads of one name (libuv's pool,
 * V8's workers) are summed. A thread that ends between two readings drops out of the second, so
 * its name's figure is too low: read both while the threads in question are alive.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  if (process.platform !== 'linux') return out;
  const tick = 10; // USER_HZ is 100 on every Linux Node supports
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, 'N');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const label = tid === String(pid) ? 'main' : name;
      // utime and stime apart: a thread's system time is its syscalls (writes, fsyncs, epoll).
      out.set(`${label} user`, (out.get(`${label} user`) ?? 0) + Number(fields[11]) * tick);
      out.set(`${label} system`, (out.get(`${label} system`) ?? 0) + Number(fields[12]) * tick);
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

/** What each thread spent between two readings, per request, in µs; largest first. */
export function perRequestUs(before: Map<string, number>, after: Map<string, number>, n: number): [string, number][] {
  return [...after]
    .map(([name, ms]): [string, number] => [name, ((ms - (before.get(name) ?? 0)) * 1000) / n])
    .filter(([, us]) => us > 0)
    .sort((a, b) => b[1] - a[1]);
}
