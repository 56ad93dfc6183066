import * as fs from 'node:fs';
import { tests } from './suite';

/**
 * The `extensionTestsPath` entry: VS Code calls run() inside the real extension host, and the
 * host exits with 0 when it resolves. The host's console only reaches the browser, so the report
 * also goes to HOST_TEST_LOG. A runner of a few lines instead of mocha: one dependency fewer.
 */
export async function run(): Promise<void> {
  const logFile = process.env.HOST_TEST_LOG;
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    if (logFile) fs.writeFileSync(logFile, `${lines.join('\n')}\n`);
  };
  let failed = 0;
  for (const t of tests) {
    const start = Date.now();
    try {
      await Promise.race([
        t.run(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 60 s')), 60_000)),
      ]);
      out(`PASS ${t.name} (${Date.now() - start} ms)`);
    } catch (err) {
      failed++;
      out(`FAIL ${t.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  out(`${tests.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} extension host test(s) failed`);
}
