// Runs the bundled action in this process and, on exit, writes process.resourceUsage() (maxRSS in KiB,
// CPU times) to the file named by BENCH_RSS_FILE: peak memory of the action without /usr/bin/time.
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
process.on('exit', () => {
  if (out) writeFileSync(out, JSON.stringify(process.resourceUsage()));
});
await import(new URL('../../dist/index.js', import.meta.url).href);
