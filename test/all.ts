/**
 * make unit: every test/*.test.ts in one process (node --import tsx --test test/all.ts).
 * node --test on the files would start one process each: about a second of start-up for every
 * file, most of the unit stage's time. One file still runs on its own:
 *   node --import tsx --test test/ip.test.ts
 */
import { readdirSync } from 'node:fs';

const dir = new URL('./', import.meta.url);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort()) {
  await import(new URL(file, dir).href);
}
