/**
 * make dist: the toolkit as one file, dist/pv-ipam-tests.mjs (scripts/dist/entry.ts with its npm
 * dependencies, bundled by esbuild; scenarios.json (its schema is code: lib/plan-schema.ts) and
 * the target presets embedded), and its types, dist/pv-ipam-tests.d.mts (dts-bundle-generator).
 * Reproducible: the same commit gives the same bytes (no time stamps, no absolute paths; the
 * commit is `git rev-parse HEAD`, "-dirty" added when the tree has changes).
 *   node --import tsx scripts/dist/build.ts [--out DIR]     (its entry point; the build is here)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { build } from 'esbuild';
import type { Embedded } from '../run/inputs.ts';

export const NAME = 'pv-ipam-tests';

/** The commit the tree is at ("-dirty" when it has changes), or "unknown" outside a git clone. */
export function commitOf(dir: string): string {
  try {
    const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

export function embedded(root: string): Embedded {
  const read = (f: string) => readFileSync(`${root}/${f}`, 'utf8');
  return {
    scenarios: read('scenarios.json'),
    presets: { lab: read('lab/preset.env'), dev: read('dev/preset.env'), device: read('dev/device/preset.env') },
    // dev/build-image.sh writes the tag of the image it built (IMAGE=pantavisor-appengine-dev:<commit>)
    // into dev/out/preset.env, over dev/preset.env's :latest; the file has no dev/out
    presetsBuilt: { dev: ['IMAGE'] },
    version: JSON.parse(read('package.json')).version,
    commit: commitOf(root),
  };
}

/**
 * Bundles the entry into `out`/pv-ipam-tests.mjs and its types into .d.mts (unless `types` is
 * false: the unit tests build the file alone); returns both paths.
 */
export async function buildDist(root: string, out: string, types = true): Promise<{ js: string; dts: string }> {
  const data = embedded(root);
  const js = `${out}/${NAME}.mjs`;
  const dts = `${out}/${NAME}.d.mts`;
  mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['scripts/dist/entry.ts'],
    outfile: js,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // paths as the tree names them (node_modules may be a link to another tree's): the same bytes wherever it is built
    preserveSymlinks: true,
    // no source map, no metafile written: nothing of the build machine ends up in the file
    define: { PV_IPAM_EMBEDDED: JSON.stringify(data) },
    banner: {
      // the CommonJS packages (ajv, ip-num, picocolors) call require() for Node's modules
      js: [
        '#!/usr/bin/env node',
        // Deno type-checks a script that imports the file against its .d.mts, when it is beside it
        `// @ts-self-types="./${NAME}.d.mts"`,
        `// ${NAME} ${data.version} (commit ${data.commit}): the toolkit as one file, built by make dist from scripts/dist/entry.ts.`,
        `// node ${NAME}.mjs help | deno run -A ${NAME}.mjs help`,
        'import { createRequire as __pvIpamCreateRequire } from "node:module";',
        'const require = __pvIpamCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    // zx's ES module build hands Deno over to its CommonJS build by a require('./index.cjs') at
    // run time, a file the bundle does not have: the bundle takes zx's CommonJS build, for both
    plugins: [{
      name: 'zx-commonjs',
      setup(b) {
        b.onResolve({ filter: /^zx$/ }, () => ({ path: `${root}/node_modules/zx/build/index.cjs` }));
      },
    }],
    logLevel: 'warning',
    metafile: true,
  });
  // one file: every import left in it is one of Node's own modules
  const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path));
  if (external.length) throw new Error(`the bundle imports ${external.join(', ')}: not one file`);
  if (!types) return { js, dts };
  // loads TypeScript's compiler: only when the types are wanted
  const { generateDtsBundle } = await import('dts-bundle-generator');
  const [declarations] = generateDtsBundle([{ filePath: `${root}/scripts/dist/entry.ts`, output: { noBanner: true, exportReferencedTypes: false }, libraries: { inlinedLibraries: ['ip-num'] } }], {
    preferredConfigPath: `${root}/tsconfig.json`,
  });
  writeFileSync(dts, `// ${NAME} ${data.version} (commit ${data.commit}): the types of ${NAME}.mjs, built by make dist.\n${declarations}`);
  return { js, dts };
}
