/**
 * What a process's resident memory is made of (Linux only; the memory bench's BENCH_SMAPS=1): its
 * mappings from /proc/<pid>/smaps grouped as glibc's main arena ([heap]), glibc's other arenas,
 * other anonymous memory (V8's pages and code, thread stacks) and files; and, when gdb is on PATH,
 * glibc's own account per arena (malloc_info: what it has from the system, what of it is free).
 * Made to tell a run in the memory bench's "higher group" from one in the lower (docs/performance.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const KB = 1024;
// glibc's arenas other than the main one live in heaps of HEAP_MAX_SIZE (64 MB on 64-bit), aligned
// to it; each starts with a heap_info whose first word points at its arena, which in an arena's
// first heap sits right after that heap_info (32 or 48 bytes on, by glibc's version).
const HEAP_MAX = 64 * 1024 * KB;

interface Mapping {
  start: number;
  end: number;
  perms: string;
  name: string;
  rss: number;
  anon: number;
}

export interface SmapsSummary {
  rss: number;
  mainArena: number;
  otherArenas: Array<{ start: string; rss: number; size: number }>;
  otherAnon: number;
  fileBacked: number;
  largestOtherAnon: Array<{ start: string; size: number; rss: number; perms: string; name: string }>;
  mallocInfo?: Array<{ heap: string; system: number; free: number }>;
  /** The process's CPU so far (user + system), in clock ticks (USER_HZ, 100 a second on Linux). */
  cpuTicks: number;
}

function mappings(pid: number): Mapping[] {
  const out: Mapping[] = [];
  let cur: Mapping | undefined;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = {
        start: parseInt(head[1]!, 16),
        end: parseInt(head[2]!, 16),
        perms: head[3]!,
        name: head[4]!,
        rss: 0,
        anon: 0,
      };
      out.push(cur);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (cur && field) cur[field[1] === 'Rss' ? 'rss' : 'anon'] = Number(field[2]) * KB;
  }
  return out;
}

/** The word at `addr` in the process, or undefined when /proc/<pid>/mem cannot be read there. */
function wordAt(fd: number, addr: number): number | undefined {
  const b = Buffer.alloc(8);
  try {
    return fs.readSync(fd, b, 0, 8, addr) === 8 ? Number(b.readBigUInt64LE()) : undefined;
  } catch {
    return undefined;
  }
}

function mallocInfo(pid: number): SmapsSummary['mallocInfo'] {
  const file = path.join(os.tmpdir(), `conduit-malloc-info-${pid}.xml`);
  const r = spawnSync(
    'gdb',
    [
      '-p',
      String(pid),
      '-batch',
      '-nx',
      '-ex',
      `set $f = (void*)fopen("${file}", "w")`,
      '-ex',
      'call (int)malloc_info(0, $f)',
      '-ex',
      'call (int)fclose($f)',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.error || !fs.existsSync(file)) return undefined;
  const xml = fs.readFileSync(file, 'utf8');
  fs.rmSync(file, { force: true });
  const heaps = [...xml.matchAll(/<heap nr="(\d+)">([\s\S]*?)<\/heap>/g)].map((m) => {
    const body = m[2]!;
    const size = (re: RegExp): number => Number(re.exec(body)?.[1] ?? 0);
    return {
      heap: m[1]!,
      system: size(/<system type="current" size="(\d+)"/),
      free: size(/<total type="fast" count="\d+" size="(\d+)"/) + size(/<total type="rest" count="\d+" size="(\d+)"/),
    };
  });
  return heaps;
}

function cpuTicks(pid: number): number {
  // The command's name, in parentheses, may hold spaces: the fields are counted after it.
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function smapsSummary(pid: number): SmapsSummary | undefined {
  if (process.platform !== 'linux') return undefined;
  const maps = mappings(pid);
  const starts = new Set(maps.map((m) => m.start));
  const fd = fs.openSync(`/proc/${pid}/mem`, 'r');
  const isArenaHeap = (m: Mapping): boolean => {
    if (m.name !== '' || m.start % HEAP_MAX !== 0 || !m.perms.startsWith('rw')) return false;
    const arena = wordAt(fd, m.start);
    if (arena === undefined) return false;
    const home = arena - (arena % HEAP_MAX);
    return starts.has(home) && arena - home > 0 && arena - home <= 64;
  };
  const summary: SmapsSummary = {
    rss: 0,
    mainArena: 0,
    otherArenas: [],
    otherAnon: 0,
    fileBacked: 0,
    largestOtherAnon: [],
    cpuTicks: cpuTicks(pid),
  };
  const other: Mapping[] = [];
  try {
    for (const m of maps) {
      summary.rss += m.rss;
      if (m.name === '[heap]') summary.mainArena += m.rss;
      else if (isArenaHeap(m))
        summary.otherArenas.push({ start: m.start.toString(16), rss: m.rss, size: m.end - m.start });
      else if (m.name === '' || m.name.startsWith('[')) {
        summary.otherAnon += m.rss;
        other.push(m);
      } else summary.fileBacked += m.rss;
    }
  } finally {
    fs.closeSync(fd);
  }
  summary.largestOtherAnon = other
    .sort((a, b) => b.rss - a.rss)
    .slice(0, 12)
    .map((m) => ({ start: m.start.toString(16), size: m.end - m.start, rss: m.rss, perms: m.perms, name: m.name }));
  summary.mallocInfo = mallocInfo(pid);
  return summary;
}
