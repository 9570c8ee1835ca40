#!/usr/bin/env node
// Regenerates the rule table of rules/README.md from the rule registry (src/rules/index.ts plus the
// engine's own rules), between the rules-index markers. `--check`: change nothing, exit 1 when stale.
// The registry is TypeScript, so it is bundled on the fly with esbuild (a devDependency).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const tmp = mkdtempSync(join(tmpdir(), 'crilint-rules-index-'));
try {
  const out = join(tmp, 'docs.mjs');
  await build({
    stdin: { contents: "export { ruleCatalog, updateRulesIndex } from './src/engine/docs.ts';", resolveDir: repo, loader: 'ts' },
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    define: { __CRILINT_VERSION__: '"0.0.0"' },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const { ruleCatalog, updateRulesIndex } = await import(pathToFileURL(out).href);
  const path = join(repo, 'rules/README.md');
  const before = readFileSync(path, 'utf8');
  const after = updateRulesIndex(before, ruleCatalog());
  if (check) {
    if (before !== after) {
      process.stderr.write('rules/README.md: the rule index is stale; run node scripts/rules-index.mjs\n');
      process.exitCode = 1;
    }
  } else if (before !== after) {
    writeFileSync(path, after);
    process.stdout.write('rules/README.md: rule index updated\n');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
