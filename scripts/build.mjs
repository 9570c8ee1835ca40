// Builds dist/ (run by `npm run build`, and by `npm ci` through `prepare`):
//
//   dist/crilint.cjs     the whole CLI in one file (esbuild bundle; CommonJS so it can be run
//                        from a V8 code cache, see below)
//   dist/crilint.cache   V8 code cache of crilint.cjs, made by linting examples/ once here
//   dist/crilint.mjs     the loader bin/crilint.mjs imports: runs crilint.cjs with that cache;
//                        also the entry of fleet worker threads (src/cli/fleet.ts), which run
//                        the same bundle from the same cache
//
// Start-up is most of a pre-commit run, so the build takes three measures (`npm run bench`
// shows the effect; README "Speed" has the figures):
//
// 1. JSON Schemas are compiled by ajv here ("standalone" code): compiling the kubelet and
//    containerd schemas at run time cost ~0.3 s of every lint. `ajv` is bundled as a thin
//    stand-in (scripts/shims/ajv.mjs) whose compile() returns the precompiled validator for a
//    schema it knows (same ajv options, same schema text) and otherwise loads the real ajv
//    lazily and compiles as before. Precompiled: every schemas/*.json whole, and each of its
//    $defs as `{ $ref: '#/$defs/<name>', $defs }` (how src/schema/containerd.ts validates a
//    table) unless the schema says `"x-precompile": "whole"` (src/schema/crio.ts validates whole). CRILINT_AJV_PRECOMPILED=0 turns the table off at run time (tests compare both).
// 2. `string-width` (yargs' help layout) and yargs' `assert` are bundled as lazy stand-ins, and
//    yargs' package.json search (`escalade/sync`) as one that answers crilint's own (scripts/shims/);
//    yargs' help-text caching after each command is patched out (see the plugin below).
// 3. A V8 code cache. Node 20 has no module compile cache (module.enableCompileCache is Node
//    >= 22.1), so the loader does what it does by hand: vm.Script with `cachedData`. The cache
//    is created after linting the examples, so it holds the functions a lint actually runs, not
//    just the top level. It is tied to this build by an ID and V8 rejects it for another Node
//    version or other V8 flags; without a usable cache crilint runs the same, only slower.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module, createRequire } from 'node:module';
import { Script } from 'node:vm';
import { build } from 'esbuild';
import { schemaKey } from './shims/schema-key.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

/** The options src/schema/validate.ts gives ajv; a validator is reused only for exactly these. */
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true };
const SHIMS = join(REPO, 'scripts/shims');

/** ESM source exporting one precompiled validator per known schema, and the key -> export table. */
export function precompiledSchemas() {
  const { Ajv } = require('ajv');
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  const exports = {};
  const table = {};
  let n = 0;
  for (const file of readdirSync(join(REPO, 'schemas')).filter((f) => f.endsWith('.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(REPO, 'schemas', file), 'utf8'));
    const base = schema.$id ?? file;
    ajv.addSchema(schema, schema.$id ? undefined : file);
    const add = (ref, asCompiled) => {
      const name = `v${n++}`;
      exports[name] = ref;
      table[schemaKey(AJV_OPTIONS, asCompiled)] = name;
    };
    add(base, schema);
    // A schema validated only whole (`"x-precompile": "whole"`, e.g. crio.schema.json) skips the
    // per-$def validators: each would repeat the code of every table below it.
    if (schema['x-precompile'] !== 'whole') for (const def of Object.keys(schema.$defs ?? {})) add(`${base}#/$defs/${def}`, { $ref: `#/$defs/${def}`, $defs: schema.$defs });
  }
  return `${standaloneCode(ajv, exports)}\nexport const table = ${JSON.stringify(table)};\n`;
}

const shims = {
  name: 'crilint-shims',
  setup(b) {
    // Importers other than the shim itself get the shim; the shim gets the real module.
    b.onResolve({ filter: /^ajv$/ }, (a) => (a.importer === join(SHIMS, 'ajv.mjs') ? undefined : { path: join(SHIMS, 'ajv.mjs') }));
    b.onResolve({ filter: /^string-width$/ }, (a) => (a.importer === join(SHIMS, 'string-width.mjs') ? undefined : { path: join(SHIMS, 'string-width.mjs') }));
    // yargs' platform shim is the only importer of `assert`: a stand-in that loads it only when a check fails.
    b.onResolve({ filter: /^assert$/ }, (a) => (/[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/.test(a.importer) ? { path: join(SHIMS, 'assert.mjs') } : undefined));
    // ... and of `escalade/sync`, which it uses to find a package.json to guess the version from.
    b.onResolve({ filter: /^escalade\/sync$/ }, (a) => (/[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/.test(a.importer) ? { path: join(SHIMS, 'find-up.mjs') } : undefined));
    // yargs renders the whole help text after starting every command handler (usage.cacheHelpMessage,
    // ~4 ms), so that a showHelp() after the command shows that command's help. crilint never
    // shows help after a command ran (--help and usage errors are handled before, and .fail()
    // prints no help), so the bundle skips it; the build fails if yargs' code is not as expected.
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]usage\.js$/ }, (a) => {
      const code = readFileSync(a.path, 'utf8');
      const cache = 'self.cacheHelpMessage = function () {\n        cachedHelpMessage = this.help();\n    };';
      if (!code.includes(cache)) throw new Error(`${a.path}: usage.cacheHelpMessage is not what scripts/build.mjs expects (yargs changed?)`);
      return { contents: code.replace(cache, 'self.cacheHelpMessage = function () {};'), loader: 'js' };
    });
    b.onResolve({ filter: /^crilint:ajv-precompiled$/ }, () => ({ path: 'ajv-precompiled', namespace: 'crilint' }));
    b.onLoad({ filter: /.*/, namespace: 'crilint' }, () => ({ contents: precompiledSchemas(), resolveDir: REPO, loader: 'js' }));
  },
};

/** The loader: dist/crilint.mjs. BUILD_ID ties it to the cache of the same build. */
function loaderSource(buildId, encoding) {
  return `// Generated by scripts/build.mjs: runs crilint.cjs from the V8 code cache of the same build.
import { readFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const BUILD_ID = ${JSON.stringify(buildId)};
const file = fileURLToPath(new URL('./crilint.cjs', import.meta.url));
let cachedData;
try {
  const cache = readFileSync(fileURLToPath(new URL('./crilint.cache', import.meta.url)));
  if (cache.subarray(0, BUILD_ID.length).toString('latin1') === BUILD_ID) cachedData = cache.subarray(BUILD_ID.length);
} catch {
  // No cache: compile as usual.
}
const script = new Script(Module.wrap(readFileSync(file, ${JSON.stringify(encoding)})), { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
export const main = module.exports.main;
/** V8 did not take the code cache (none, another build, another Node): a test checks it is taken. */
export const codeCacheRejected = cachedData === undefined || script.cachedDataRejected === true;
// A fleet worker (src/cli/fleet.ts) starts this same file with this argument: it lints what the
// main thread sends. worker_threads is loaded only then (it costs every start-up ~2 ms).
if (process.argv.includes('--crilint-fleet-worker')) {
  const { isMainThread, workerData } = process.getBuiltinModule('node:worker_threads');
  if (!isMainThread && workerData && workerData.crilint === 'fleet-worker') module.exports.workerMain();
}
`;
}

/**
 * What `--cache` keys its file with (src/cli/cache.ts buildId()): a digest of the bundle and of the
 * files it reads at run time (schemas/, rules/ pages), so a cache is reused exactly by the same
 * build, also across `npm ci` in CI. The bundle holds a placeholder of the same length, replaced
 * here (its source map stays right).
 */
const BUILD_PLACEHOLDER = 'crilint-build-id-placeholder-000';
function stampBuild(bundle) {
  const hash = createHash('sha256').update(readFileSync(bundle));
  for (const dir of ['schemas', 'rules'])
    for (const f of readdirSync(join(REPO, dir)).sort()) if (/\.(json|md)$/.test(f)) hash.update(`${dir}/${f}\0`).update(readFileSync(join(REPO, dir, f)));
  const id = hash.digest('hex').slice(0, BUILD_PLACEHOLDER.length);
  const text = readFileSync(bundle, 'latin1');
  if (!text.includes(BUILD_PLACEHOLDER)) throw new Error('build: the build id placeholder is not in the bundle');
  writeFileSync(bundle, text.split(BUILD_PLACEHOLDER).join(id), 'latin1');
}

/** Lint the examples in-process with output muted, then serialise what V8 compiled. */
async function trainCodeCache(bundle, buildId) {
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  const runs = [
    ['lint', '--root', 'examples/clean-node', '--kubernetes', '1.34', '--containerd', '2.1'],
    ['lint', '--root', 'examples/broken-node'],
    ['lint', '--root', 'examples/broken-node', '--format', 'json'],
  ].filter((args) => existsSync(join(REPO, args[2])));
  const out = process.stdout.write;
  const err = process.stderr.write;
  const cwd = process.cwd();
  try {
    process.chdir(REPO);
    process.stdout.write = process.stderr.write = () => true;
    for (const args of runs) await mod.exports.main(args);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.chdir(cwd);
  }
  writeFileSync(join(DIST, 'crilint.cache'), Buffer.concat([Buffer.from(buildId, 'latin1'), script.createCachedData()]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(DIST, { recursive: true });
  for (const stale of ['crilint.mjs.map']) rmSync(join(DIST, stale), { force: true });
  const bundle = join(DIST, 'crilint.cjs');
  await build({
    entryPoints: [join(REPO, 'src/cli/main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Smaller text to read and hash; identifiers stay, so --debug stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      __CRILINT_VERSION__: JSON.stringify(pkg.version),
      __CRILINT_BUILD__: JSON.stringify(BUILD_PLACEHOLDER),
      'import.meta.url': '__crilint_import_meta_url',
      'import.meta.resolve': '__crilint_import_meta_resolve',
    },
    banner: {
      js: "var __crilint_import_meta_url=require('node:url').pathToFileURL(__filename).href,__crilint_import_meta_resolve=(s)=>require('node:url').pathToFileURL(require.resolve(s)).href;",
    },
    plugins: [shims],
  });
  stampBuild(bundle);
  const buildId = `crilint-${pkg.version}-${randomBytes(8).toString('hex')}\n`;
  // An all-ASCII bundle (esbuild escapes non-ASCII text; src/ keeps it out of regular expressions,
  // which esbuild leaves as written) is read as latin1: the same string, decoded in a fraction of
  // the ~8 ms UTF-8 decoding of 1.9 MB takes on every start-up.
  const ascii = !/[^\x00-\x7f]/.test(readFileSync(bundle, 'latin1'));
  if (!ascii) console.warn('build: dist/crilint.cjs has non-ASCII characters; the loader reads it as UTF-8 (slower start-up)');
  writeFileSync(join(DIST, 'crilint.mjs'), loaderSource(buildId, ascii ? 'latin1' : 'utf8'));
  if (process.env.CRILINT_NO_CODE_CACHE === '1') rmSync(join(DIST, 'crilint.cache'), { force: true });
  else await trainCodeCache(bundle, buildId);
}
