import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalize } from './embedder';
import { AnnPartition, HNSW, loadUsearch, type HnswParams, type UsearchModule } from './usearchIndex';
import { BruteForceIndex } from './vectorIndex';

export interface VectorBenchOptions {
  /** Entries per run, e.g. [10_000, 100_000]. */
  sizes: number[];
  dims?: number;
  queries?: number;
  seed?: number;
  /**
   * How queries are made: `near` (a stored vector plus noise: what a semantic cache looks up) or
   * `random` (unrelated vectors: every neighbour is about as far, the hardest case for an ANN).
   */
  queryKind?: 'near' | 'random';
  /** For `near`: the noise added to the stored vector (0.5 gives cosine ≈ 0.89, 0.33 ≈ 0.95). */
  noise?: number;
  /**
   * `random`: independent unit vectors. `clustered`: families of `clusterSize` near-identical
   * vectors (cosine ≈ 0.93 within a family), as templated prompts give ("explain error 1",
   * "explain error 2", …): the hard case for HNSW, whose neighbour pruning keeps few links inside
   * such a family.
   */
  dataKind?: 'random' | 'clustered';
  clusterSize?: number;
  /** HNSW settings to compare, one row each per size (the shipped ones when absent). */
  hnsw?: HnswParams[];
}

export interface VectorBenchRow {
  entries: number;
  dims: number;
  queries: number;
  queryKind: 'near' | 'random';
  dataKind: 'random' | 'clustered';
  hnsw: HnswParams;
  bruteP50Ms: number;
  bruteP95Ms: number;
  /** Null when usearch could not load. */
  annP50Ms: number | null;
  annP95Ms: number | null;
  annBuildMs: number | null;
  /** Share of queries where usearch's best key is brute force's best key. */
  top1Agreement: number | null;
}

/** Seeded unit vectors (mulberry32 + Box–Muller), so runs compare. */
export function randomUnitVectors(n: number, dims: number, seed: number): Float32Array[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(dims);
    for (let j = 0; j < dims; j++) v[j] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    out.push(normalize(v));
  }
  return out;
}

/** Families of near-identical unit vectors: a random centre plus noise of 0.27 (cosine ≈ 0.93 between two members). */
function clusteredVectors(n: number, dims: number, clusterSize: number, seed: number): Float32Array[] {
  const centres = randomUnitVectors(Math.ceil(n / clusterSize), dims, seed + 101);
  return randomUnitVectors(n, dims, seed).map((z, i) => {
    const c = centres[Math.floor(i / clusterSize)]!;
    const v = new Float32Array(dims);
    for (let j = 0; j < dims; j++) v[j] = c[j]! + 0.27 * z[j]!;
    return normalize(v);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/**
 * Semantic-cache search time, brute force against usearch HNSW, on seeded random unit vectors:
 * search only (the embedding is apart). For the cache benchmark (bench/) and the tests.
 */
export function benchVectorSearch(opts: VectorBenchOptions): VectorBenchRow[] {
  const dims = opts.dims ?? 384;
  const nq = opts.queries ?? 200;
  const queryKind = opts.queryKind ?? 'near';
  const usearch = loadUsearch();
  const rows: VectorBenchRow[] = [];
  const dataKind = opts.dataKind ?? 'random';
  for (const n of opts.sizes) {
    const data =
      dataKind === 'clustered'
        ? clusteredVectors(n, dims, opts.clusterSize ?? 50, opts.seed ?? 1)
        : randomUnitVectors(n, dims, opts.seed ?? 1);
    const noise = randomUnitVectors(nq, dims, (opts.seed ?? 1) + 7);
    const queries = noise.map((z, i) => {
      if (queryKind === 'random') return z;
      const base = data[(i * 7919) % n]!;
      const q = new Float32Array(dims);
      for (let j = 0; j < dims; j++) q[j] = base[j]! + (opts.noise ?? 0.5) * z[j]!;
      return normalize(q);
    });
    const brute = new BruteForceIndex();
    data.forEach((v, i) => brute.add('s', `k${i}`, v));
    const bruteTimes: number[] = [];
    const bruteTop: (string | undefined)[] = [];
    for (const q of queries) {
      const t0 = performance.now();
      const r = brute.search('s', q, 5, -1);
      bruteTimes.push(performance.now() - t0);
      bruteTop.push(r[0]?.key);
    }
    bruteTimes.sort((x, y) => x - y);
    const base = {
      entries: n,
      dims,
      queries: nq,
      queryKind,
      dataKind,
      bruteP50Ms: percentile(bruteTimes, 0.5),
      bruteP95Ms: percentile(bruteTimes, 0.95),
    };
    if (!usearch) {
      for (const hnsw of opts.hnsw ?? [HNSW])
        rows.push({ ...base, hnsw, annP50Ms: null, annP95Ms: null, annBuildMs: null, top1Agreement: null });
      continue;
    }
    rows.push(
      ...measureAnn(usearch, opts.hnsw ?? [HNSW], dims, data, queries, bruteTop).map((r) => ({ ...base, ...r })),
    );
  }
  return rows;
}

type AnnFigures = Pick<VectorBenchRow, 'hnsw' | 'annP50Ms' | 'annP95Ms' | 'annBuildMs' | 'top1Agreement'>;

/**
 * Builds one graph per connectivity and add-expansion, and searches it with each search
 * expansion asked for (the graph is saved once and loaded with each: usearch keeps the search
 * expansion it was created with), timing searches and counting top-1 agreement with `bruteTop`.
 */
function measureAnn(
  usearch: UsearchModule,
  settings: HnswParams[],
  dims: number,
  data: Float32Array[],
  queries: Float32Array[],
  bruteTop: (string | undefined)[],
): AnnFigures[] {
  const keys = data.map((_, i) => `k${i}`);
  const out: AnnFigures[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-vbench-'));
  try {
    const built = new Map<string, { file: string; ids: [number, string][]; buildMs: number }>();
    for (const hnsw of settings) {
      const graphKey = `${hnsw.connectivity}/${hnsw.expansionAdd}`;
      let graph = built.get(graphKey);
      let ann: AnnPartition;
      if (!graph) {
        const t0 = performance.now();
        ann = new AnnPartition(usearch, dims, hnsw);
        ann.addMany(keys, data);
        graph = { file: path.join(tmp, `${built.size}.usearch`), ids: ann.idList(), buildMs: performance.now() - t0 };
        ann.save(graph.file);
        built.set(graphKey, graph);
      } else {
        ann = AnnPartition.fromFile(usearch, dims, hnsw, graph.file, graph.ids, (k) => data[Number(k.slice(1))]);
      }
      const annTimes: number[] = [];
      let agree = 0;
      queries.forEach((q, i) => {
        const t1 = performance.now();
        const r = ann.search(q, 5, -1);
        annTimes.push(performance.now() - t1);
        if (r[0]?.key === bruteTop[i]) agree++;
      });
      annTimes.sort((x, y) => x - y);
      out.push({
        hnsw,
        annP50Ms: percentile(annTimes, 0.5),
        annP95Ms: percentile(annTimes, 0.95),
        annBuildMs: graph.buildMs,
        top1Agreement: agree / queries.length,
      });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
