#!/usr/bin/env node
// The floor of a fleet lint: what any Node.js tool must do before it checks anything.
// `node bench/floor.mjs io DIR` walks DIR (one readdir per directory, as a discovery must) and
// reads every regular file as UTF-8; `node bench/floor.mjs parse DIR` also parses each YAML file
// with `yaml` and each TOML file with `toml-eslint-parser`, with the options crilint gives them
// (src/parse/yaml.ts, src/parse/toml.ts), and keeps nothing. No model, no rule, no output.
// bench/run.mjs (fleet) spawns both beside crilint and yamllint, so the start of Node itself is
// in the figures: the ratio yamllint / floor is the most any tool built this way could reach.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'io' && mode !== 'parse') || !dir) {
  console.error('usage: node bench/floor.mjs io|parse DIR');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const parsers = mode === 'parse' ? { yaml: require('yaml'), toml: require('toml-eslint-parser') } : null;

let files = 0;
function walk(d) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) visit(p, readFileSync(p, 'utf8'));
  }
}

function visit(path, text) {
  files++;
  if (!parsers) return;
  try {
    if (path.endsWith('.yaml') || path.endsWith('.yml')) parsers.yaml.parseAllDocuments(text, { version: '1.2', uniqueKeys: false, prettyErrors: false, strict: false });
    else if (path.endsWith('.toml')) parsers.toml.parseTOML(text, { tomlVersion: '1.0' });
  } catch {
    // the fleet's broken files on purpose
  }
}

walk(dir);
if (files === 0) {
  console.error(`floor: no files under ${dir}`);
  process.exit(2);
}
