/**
 * registries: writes the generated registries (lib/tooling/registries.ts: the check kinds, target drivers
 * and report formats their folders hold) before `make plan` writes the plan's files; --check
 * writes nothing and exits 1 naming each registry that is out of date. It imports nothing that
 * imports a registry, so it still runs when a listed module was removed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGISTRIES, registryText } from '../lib/tooling/registries.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const unknown = process.argv.slice(2).find((a) => a !== '--check');
if (unknown !== undefined) {
  console.error(`registries.ts: unknown argument ${JSON.stringify(unknown)} (usage: registries.ts [--check])`);
  process.exit(2);
}

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

let stale = 0;
for (const spec of REGISTRIES) {
  const dir = join(ROOT, spec.dir);
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
  const text = registryText(spec, modules);
  const file = join(dir, spec.file);
  if (read(file) === text) continue;
  if (check) {
    console.log(`${spec.dir}/${spec.file} is out of date with the modules of ${spec.dir}/; run make plan`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${spec.dir}/${spec.file}`);
  }
}
process.exit(stale ? 1 : 0);
