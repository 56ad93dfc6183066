// The semantic cache's ANN settings: top-1 agreement of usearch HNSW with exact (brute-force)
// search, and search time, for several connectivity/expansion settings built on the same seeded
// vectors in one run. `npm run bench -- --only ann` (add --quick for 10k entries only).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HNSW, type HnswParams } from '../daemon/cache/usearchIndex';
import { benchVectorSearch } from '../daemon/cache/vectorBench';

const quick = process.argv.includes('--quick');
const repo = path.resolve(__dirname, '..', '..');

/**
 * Settings tried against the shipped ones. Graphs are built once per connectivity and add
 * expansion and searched with each search expansion, so a row costs a build only when those change.
 */
const CANDIDATES: HnswParams[] = [
  { connectivity: 16, expansionAdd: 64, expansionSearch: 64 },
  { connectivity: 16, expansionAdd: 64, expansionSearch: 128 },
  { connectivity: 16, expansionAdd: 64, expansionSearch: 256 },
  { connectivity: 16, expansionAdd: 128, expansionSearch: 128 },
  { connectivity: 16, expansionAdd: 128, expansionSearch: 256 },
];
/** Three times the build cost of M 16: tried on the 10k sets only. */
const WIDE: HnswParams[] = [{ connectivity: 32, expansionAdd: 128, expansionSearch: 128 }];

function main(): void {
  const sizes = quick ? [10_000] : [100_000];
  const same = (a: HnswParams, b: HnswParams) => JSON.stringify(a) === JSON.stringify(b);
  const hnsw = [...CANDIDATES.filter((c) => !same(c, HNSW)), HNSW].sort(
    (a, b) =>
      a.connectivity - b.connectivity || a.expansionAdd - b.expansionAdd || a.expansionSearch - b.expansionSearch,
  );
  const rows = [
    ...benchVectorSearch({ sizes, queries: quick ? 200 : 300, hnsw: quick ? [...hnsw, ...WIDE] : hnsw }),
    // Families of near-identical prompts; queries are close rewordings of one member (cosine ≈ 0.98).
    ...benchVectorSearch({
      sizes: [10_000],
      queries: 300,
      hnsw: [...hnsw, ...WIDE],
      dataKind: 'clustered',
      clusterSize: 50,
      noise: 0.2,
    }),
  ];
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const ms = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  console.log(
    '\nSemantic index: usearch HNSW against exact search, 384 dims, near-duplicate queries (random data: cosine ≈ 0.89 to the base; clustered: families of 50 at cosine ≈ 0.93, queries ≈ 0.98)',
  );
  console.log(
    'data      | entries | M  | ef_add | ef_search | top-1 agreement | ANN p50 ms | ANN p95 ms | exact p50 ms | build s',
  );
  for (const r of rows) {
    console.log(
      `${r.dataKind.padEnd(9)} | ${String(r.entries).padStart(7)} | ${String(r.hnsw.connectivity).padEnd(2)} | ${String(r.hnsw.expansionAdd).padStart(6)} | ${String(r.hnsw.expansionSearch).padStart(9)} | ${pct(r.top1Agreement).padStart(15)} | ${ms(r.annP50Ms).padStart(10)} | ${ms(r.annP95Ms).padStart(10)} | ${ms(r.bruteP50Ms).padStart(12)} | ${((r.annBuildMs ?? 0) / 1000).toFixed(1)}`,
    );
  }
  console.log(`(shipped: M ${HNSW.connectivity}, ef_add ${HNSW.expansionAdd}, ef_search ${HNSW.expansionSearch})`);
  const resultsDir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `ann-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ when: new Date().toISOString(), node: process.version, quick, rows }, null, 2),
  );
  console.log(`\nWrote ${path.relative(repo, file)}`);
}

main();
