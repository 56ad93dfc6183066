/** The options that take a value which may look like a negative number. */
const VALUE_OPTIONS = new Set(['--max-tokens', '--temperature', '--since', '--until', '--lines', '--limit', '-n']);

/** "-1", "-0.5", "-5d", "-.5": a value, not an option. */
const NEGATIVE = /^-(\d|\.\d)/;

/**
 * node:util parseArgs reads `--max-tokens -1` as an option with no value ("argument is
 * ambiguous"), so the user never hears the real problem. This joins such a pair into
 * `--max-tokens=-1` (or `-n-5` for a short option), so the command's own range check answers
 * with "must be ≥ …". Only options known to take a value are joined: `-1` after a flag is left
 * alone. Nothing after a bare `--` is touched.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (VALUE_OPTIONS.has(arg) && next !== undefined && NEGATIVE.test(next)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
