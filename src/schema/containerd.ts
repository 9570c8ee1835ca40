/**
 * Schema checks of containerd config files: unknown keys and invalid values, per file (containerd
 * decodes each file on its own and reports unknown keys per file: loadConfigFile,
 * cmd/containerd/server/config/config.go @ v2.2.7), with messages that say what containerd does.
 *
 * The schema (schemas/containerd.schema.json, one file with a $def per table) is read lazily on the
 * first call. Each table is validated against the $def for its plugin ID and its file's config
 * version:
 *   top level                                  → top
 *   plugins.cri (version-1 file)               → cri-v2 (the whole-CRI layout of versions 1 and 2)
 *   plugins."io.containerd.grpc.v1.cri"        → cri-v2 in a version ≤ 2 file, else cri-server-v3
 *   plugins."io.containerd.cri.v1.runtime"     → cri-runtime-v3
 *   plugins."io.containerd.cri.v1.images"      → cri-images-v3
 *   plugins."io.containerd.server.v1.*"        → server-* (config version 4, containerd 2.3)
 *   runtimes.<name>.options of a runc runtime  → runc-options (runctypes-options for runtime v1 on 1.x)
 * Other plugin IDs are not checked: containerd ignores unknown plugin IDs, and other plugins'
 * tables are not modelled.
 *
 * Keys that did not exist in every release carry `x-since` in the schema; a key newer than the target
 * containerd is reported as unknown to that release. Keys that were removed (`x-removed`) stay known,
 * so that the removed-key rule, not `unknown-key`, reports them.
 */
import type { Finding } from '../core/types.js';
import { cmpVersion, fmtVersion, parseVersion, type Version } from '../core/version.js';
import type { Target } from '../engine/rule.js';
import { criView, mergedView, pluginLookupVersion, type ContainerdFile, type ContainerdModel, type MergeMode } from '../model/containerd.js';
import { formatPath, get, getPath, type Path, type VNode } from '../model/tree.js';
import { describeValue as describe, loadShippedSchema, tableText, typeMatches, type DefsSchema, type SchemaNode } from './shipped.js';
import { suggest, validateTree } from './validate.js';

type ContainerdSchema = DefsSchema;

let loaded: ContainerdSchema | null = null;

export function containerdSchema(): ContainerdSchema {
  return (loaded ??= loadShippedSchema('containerd.schema.json', 'containerd'));
}

const IGNORED = 'containerd ignores unknown keys, so this setting has no effect';
/**
 * A value of the wrong TOML type cannot be decoded: a top-level key fails loadConfigFile, a plugin
 * table fails Config.Decode in server.New — either way containerd does not start
 * (cmd/containerd/server/config/config.go and cmd/containerd/server/server.go @ v2.2.7;
 * services/server/config/config.go and services/server/server.go @ v1.7.34).
 */
const DECODE_FAILS = 'containerd cannot decode it and fails to start';

/** The CRI config's embedded structs on containerd 1.x (see checkTable). */
const EMBEDDED_CRI_TABLES = ['containerd', 'cni', 'image_decryption'];

/**
 * Plugin ID → $def, by the file's config version and the target. containerd decodes a plugin's table
 * only when it has that plugin under that ID, so a table it does not look up is never decoded and
 * no value in it can stop it (other rules say the table is ignored). containerd 1.x has none of the
 * 2.x plugins (io.containerd.cri.v1.*, io.containerd.server.v1.*), and in a version-1 file looks
 * plugins up by short ID only (Config.Decode: `id := p.URI(); if c.GetVersion() == 1 { id = p.ID }`,
 * services/server/config/config.go @ v1.7.34; checked against the installed 1.6.20 by
 * test/differential.test.ts).
 */
function defForPlugin(id: string, fileVersion: number, mode: MergeMode, byShortId: boolean): string | null {
  if (mode === '1.x') {
    if (id.startsWith('io.containerd.cri.v1.') || id.startsWith('io.containerd.server.v1.')) return null;
    if (byShortId !== !id.includes('.')) return null;
    // 1.x has one CRI plugin with one config layout, whatever version the file declares (it does
    // not check versions above 2: config-version-unsupported).
    if (id === 'cri' || id === 'io.containerd.grpc.v1.cri') return 'cri-v2';
  }
  switch (id) {
    case 'cri':
      return fileVersion <= 1 ? 'cri-v2' : null;
    case 'io.containerd.grpc.v1.cri':
      return fileVersion <= 2 ? 'cri-v2' : 'cri-server-v3';
    case 'io.containerd.cri.v1.runtime':
      return 'cri-runtime-v3';
    case 'io.containerd.cri.v1.images':
      return 'cri-images-v3';
    case 'io.containerd.server.v1.grpc':
      return 'server-grpc';
    case 'io.containerd.server.v1.grpc-tcp':
      return 'server-grpc-tcp';
    case 'io.containerd.server.v1.ttrpc':
      return 'server-ttrpc';
    case 'io.containerd.server.v1.debug':
      return 'server-debug';
    case 'io.containerd.server.v1.metrics':
      return 'server-metrics';
    case 'io.containerd.metrics.v1.grpc-prometheus':
      return 'metrics-grpc-prometheus';
    default:
      return null;
  }
}

/**
 * The options type containerd decodes a runtime's `options` into (getRuntimeOptionsType,
 * pkg/cri/server/helpers.go @ v1.7.34; internal/cri/config/config.go @ v2.2.7). Other runtime types
 * get the whole table passed through to the shim (ConfigBody), so any key may be meaningful there.
 */
function optionsDef(runtimeType: string | null, mode: MergeMode): string | null {
  if (runtimeType === 'io.containerd.runc.v2') return 'runc-options';
  if (mode === '1.x' && runtimeType === 'io.containerd.runc.v1') return 'runc-options';
  if (mode === '1.x' && runtimeType === 'io.containerd.runtime.v1.linux') return 'runctypes-options';
  return null;
}

interface Scope {
  file: ContainerdFile;
  def: string;
  /** Consequence of a value of the wrong type in this table. */
  decodeFails: string;
}

export function containerdSchemaProblems(model: ContainerdModel, target: Target): Finding[] {
  const schema = containerdSchema();
  const mode: MergeMode = target.containerd.major >= 2 ? '2.x' : '1.x';
  const out: Finding[] = [];
  const files = [...model.configFiles, ...model.extra];
  const disabled = new Set(mode === '1.x' ? criView(model, mode).disabledPlugins.map((n) => n.value).filter((v): v is string => typeof v === 'string') : []);
  const merged = mode === '1.x' ? get(mergedView(model, '1.x').root, 'plugins') : undefined;
  const mergedPlugins = merged && merged.kind === 'map' ? merged : null;
  for (const file of files) {
    if (!file.root) continue;
    const check = (node: VNode, scope: Scope) => out.push(...checkTable(schema, node, scope, target, mode, file.version));
    check(file.root, { file, def: 'top', decodeFails: DECODE_FAILS });
    const plugins = get(file.root, 'plugins');
    if (!plugins || plugins.kind !== 'map') continue;
    for (const e of plugins.entries) {
      // containerd 1.x does not decode the config of a disabled plugin (the installed 1.6.20
      // starts with any value in the table of a plugin listed in disabled_plugins).
      if (disabled.has(e.key)) continue;
      // Nor a plugin table that a later file's table replaces whole (mergeConfig @ v1.7.34): only
      // the last one is decoded (the installed 1.6.20 starts with a wrong type in a replaced table;
      // containerd-import-replaces-table reports its keys as dropped).
      if (mergedPlugins && model.configFiles.includes(file) && get(mergedPlugins, e.key) !== e.value) continue;
      // Short IDs for version 1 (0 and absent mean 1); any other value, negative ones included,
      // means URIs (the installed 1.6.20 decodes [plugins."io.containerd.grpc.v1.cri"] of a `version = -1` file).
      const def = defForPlugin(e.key, file.version, mode, pluginLookupVersion(model, file, mode) === 1);
      if (!def || e.value.kind !== 'map') continue;
      check(e.value, { file, def, decodeFails: DECODE_FAILS });
      if (def !== 'cri-v2' && def !== 'cri-runtime-v3') continue;
      const runtimes = get(get(e.value, 'containerd'), 'runtimes');
      if (!runtimes || runtimes.kind !== 'map') continue;
      for (const r of runtimes.entries) {
        const options = get(r.value, 'options');
        if (!options || options.kind !== 'map') continue;
        const odef = optionsDef(runtimeTypeOf(model, mode, r.key, r.value), mode);
        // Runtime options are decoded when a pod sandbox or container is created
        // (GenerateRuntimeOptions, internal/cri/config/config.go @ v2.2.7; generateRuntimeOptions,
        // pkg/cri/server/helpers.go @ v1.7.34).
        if (odef) check(options, { file, def: odef, decodeFails: `containerd cannot decode the options of runtime "${r.key}", so pods using it fail to start` });
      }
    }
  }
  const order = new Map(files.map((f, i) => [f.source, i]));
  return out.sort((a, b) => (order.get(a.file!) ?? 0) - (order.get(b.file!) ?? 0) || a.range!.start.offset - b.range!.start.offset);
}

/** runtime_type of a runtime: its own table, else the merged configuration, else "runc" means runc v2 (the default runtime). */
function runtimeTypeOf(model: ContainerdModel, mode: MergeMode, name: string, table: VNode): string | null {
  const own = get(table, 'runtime_type');
  if (own && own.kind === 'scalar' && typeof own.value === 'string') return own.value;
  const merged = criView(model, mode).runtimes.find((r) => r.name === name)?.runtimeType.value;
  if (merged) return merged;
  // The default CRI config defines runtime "runc" as io.containerd.runc.v2 (DefaultConfig,
  // pkg/cri/config/config_unix.go @ v1.7.34; internal/cri/config/config_unix.go @ v2.2.7).
  return name === 'runc' ? 'io.containerd.runc.v2' : null;
}

function checkTable(schema: ContainerdSchema, node: VNode, scope: Scope, target: Target, mode: MergeMode, fileVersion: number): Finding[] {
  const def = schema.$defs[scope.def]!;
  const out: Finding[] = [];
  // Keys newer than the target first: their values are never decoded, so no value problem below them counts.
  const gated: Path[] = [];
  if (available(def['x-since'], target.containerd)) walkSince(schema, def, node, target, mode, scope, out, gated);
  const underGated = (abs: Path) => gated.some((g) => g.length <= abs.length && g.every((seg, i) => abs[i] === seg));
  const problems = validateTree(node, `containerd#${scope.def}`, { $ref: `#/$defs/${scope.def}`, $defs: schema.$defs });
  // TOML types JSON Schema cannot see. Its "integer" accepts 2.0, TOML decoders do not: a float
  // where containerd has an integer field fails to decode; and a datetime (a string to the schema)
  // decodes into no string, number or boolean field. go-toml v1 (containerd 1.x): "Can't convert
  // 2(float64) to int", "Can't convert 1979-05-27 07:32:00 +0000 UTC(time.Time) to string"
  // (checked against the installed 1.6.20 by test/differential.test.ts); go-toml v2 (2.x): "float
  // cannot be assigned to int" (pelletier/go-toml v2 unmarshaler.go).
  for (const f of tomlTypedScalars(node)) {
    const abs = [...node.path, ...f.path];
    if (underGated(abs) || problems.some((p) => p.path.length === f.path.length && p.path.every((seg, i) => seg === f.path[i]))) continue;
    const prop = schemaAt(schema, def, f.path);
    const types = prop?.type === undefined ? [] : Array.isArray(prop.type) ? prop.type : [prop.type];
    if (f.node.type === 'float' ? !types.includes('integer') || types.includes('number') : !types.length) continue;
    const expect = typeof prop?.['x-expect'] === 'string' ? prop['x-expect'] : f.node.type === 'float' ? 'an integer' : types.join(' or ');
    out.push(finding('invalid-value', `invalid value for ${keyText(abs)}: expected ${expect}, got ${f.node.type} ${f.node.raw}; ${scope.decodeFails}`, scope.file, f.node.range));
  }
  for (const p of problems) {
    const abs = [...node.path, ...p.path];
    if (underGated(abs)) continue;
    if (p.kind === 'unknown-key') {
      const key = p.key!;
      const parent = schemaAt(schema, def, p.path.slice(0, -1));
      const known = parent?.properties ? Object.keys(parent.properties) : [];
      if (acceptedSpelling(key, known, mode)) continue;
      // containerd 1.x embeds three structs in the CRI config (PluginConfig has anonymous
      // `ContainerdConfig \`toml:"containerd"\``, `CniConfig \`toml:"cni"\`` and `ImageDecryption
      // \`toml:"image_decryption"\``, pkg/cri/config/config.go @ v1.6.20 and v1.7.20), and go-toml v1
      // also decodes their fields at the CRI table's top level when the table has no such
      // sub-table: the installed 1.6.20 then applies `snapshotter = "native"` written there and
      // refuses `no_pivot = 1` or `conf_dir = 1` (with the sub-table present it ignores them).
      let decoded = false;
      const embedded = scope.def === 'cri-v2' && mode === '1.x' && p.path.length === 1 ? EMBEDDED_CRI_TABLES.filter((t) => get(node, t) === undefined) : [];
      for (const t of embedded) {
        const inner = schemaAt(schema, def, [t]);
        const name = inner?.properties ? acceptedSpelling(key, Object.keys(inner.properties), mode) : undefined;
        if (name) {
          const prop = deref(schema, inner!.properties![name]!);
          if (!typeMatches(prop, p.node)) {
            const expect = typeof prop['x-expect'] === 'string' ? prop['x-expect'] : prop.type ? `${Array.isArray(prop.type) ? prop.type.join(' or ') : prop.type}` : 'another type';
            out.push(finding('invalid-value', `invalid value for ${keyText(abs)}: expected ${expect}, got ${describe(p.node)}; ${scope.decodeFails}`, scope.file, p.node.range));
          }
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
      const where = tableText(abs.slice(0, -1));
      const hint = hintFor(schema, scope.def, p.path, key, fileVersion, abs.slice(0, -1), getPath(node, p.path.slice(0, -1)));
      const suggestion = hint ? undefined : (p.suggestion ?? suggest(key, known));
      let message = `unknown key "${key}" ${where}`;
      if (suggestion) message += `; did you mean "${suggestion}"? ${IGNORED}`;
      else if (hint) message += `; ${hint}; ${IGNORED}`;
      else message += `; ${IGNORED}`;
      out.push(finding('unknown-key', message, scope.file, p.range));
      continue;
    }
    const prop = schemaAt(schema, def, p.path);
    const typeOk = prop ? typeMatches(prop, p.node) : false;
    let consequence = typeOk && prop?.['x-invalid'] ? prop['x-invalid'] : scope.decodeFails;
    if (scope.def === 'top' && abs.length === 1 && abs[0] === 'version' && mode === '1.x' && p.node.kind === 'scalar' && p.node.type === 'integer' && Number(p.node.value) < 0) {
      // containerd 1.x decodes a negative version and starts: GetVersion() maps only 0 to 1, and
      // ValidateV2 only warns below 2 (services/server/config/config.go @ v1.7.34; the installed
      // 1.6.20 logs "containerd config version `-1` has been deprecated" and runs).
      consequence = `containerd ${fmtVersion(target.containerd)} starts with it (it only warns that versions below 2 are deprecated), but reads the file as neither version 1 nor 2: it looks plugins up by their URIs and skips the version 2 checks`;
    }
    out.push(finding('invalid-value', `invalid value for ${keyText(abs)}: ${p.message}, got ${describe(p.node)}; ${consequence}`, scope.file, p.range));
  }
  return out;
}

/** TOML floats and datetimes in a table, with their paths below it (their TOML type, not their value, is the problem). */
function tomlTypedScalars(node: VNode, path: Path = []): { node: VNode & { kind: 'scalar' }; path: Path }[] {
  if (node.kind === 'scalar') return node.type === 'float' || node.type === 'datetime' ? [{ node, path }] : [];
  if (node.kind === 'array') return node.items.flatMap((it, i) => tomlTypedScalars(it, [...path, i]));
  return node.entries.flatMap((e) => tomlTypedScalars(e.value, [...path, e.key]));
}

function finding(rule: 'unknown-key' | 'invalid-value', message: string, file: ContainerdFile, range: Finding['range']): Finding {
  return { rule, severity: 'error', message, file: file.source, range, related: [] };
}

/** Keys newer than the target release: containerd of that release does not know them. */
function walkSince(schema: ContainerdSchema, s: SchemaNode, node: VNode, target: Target, mode: MergeMode, scope: Scope, out: Finding[], gated: Path[]): void {
  const sch = deref(schema, s);
  if (node.kind === 'map') {
    const known = sch.properties ? Object.keys(sch.properties) : [];
    for (const e of node.entries) {
      const name = known.includes(e.key) ? e.key : acceptedSpelling(e.key, known, mode);
      let child: SchemaNode | undefined;
      if (name) child = sch.properties![name];
      else if (sch.additionalProperties && typeof sch.additionalProperties === 'object') child = sch.additionalProperties;
      if (!child) continue;
      const since = child['x-since'] ?? deref(schema, child)['x-since'];
      if (name && since !== undefined && !available(since, target.containerd)) {
        const list = (Array.isArray(since) ? since : [since]).join(', ');
        out.push(
          finding(
            'unknown-key',
            `key "${e.key}" ${tableText(e.value.path.slice(0, -1))} is not known to containerd ${fmtVersion(target.containerd)} (added in ${list}); ${IGNORED}`,
            scope.file,
            e.keyRange,
          ),
        );
        gated.push(e.value.path);
        continue;
      }
      walkSince(schema, child, e.value, target, mode, scope, out, gated);
    }
  } else if (node.kind === 'array' && sch.items) {
    for (const it of node.items) walkSince(schema, sch.items, it, target, mode, scope, out, gated);
  }
}

function deref(schema: ContainerdSchema, s: SchemaNode): SchemaNode {
  let cur = s;
  for (let i = 0; i < 8 && cur.$ref; i++) cur = schema.$defs[cur.$ref.replace('#/$defs/', '')] ?? {};
  return cur;
}

/** The schema of the value at a path below a table's schema (properties, then additionalProperties/items). */
function schemaAt(schema: ContainerdSchema, s: SchemaNode, path: Path): SchemaNode | undefined {
  let cur: SchemaNode | undefined = deref(schema, s);
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') cur = cur.items;
    else cur = cur.properties?.[seg] ?? (typeof cur.additionalProperties === 'object' ? cur.additionalProperties : undefined);
    if (cur) cur = deref(schema, cur);
  }
  return cur;
}

/**
 * The known key that containerd's decoder would match `key` to, if any: go-toml v1 (1.x) tries a
 * field name as written, all-lower, all-upper and lower-first (marshal.go vendored @ v1.7.34); go-toml
 * v2 (2.x) matches case-insensitively (structFieldPath, unmarshaler.go vendored @ v2.2.7). So
 * `systemdCgroup` under runc options works everywhere, while `systemd_cgroup` there never does.
 */
function acceptedSpelling(key: string, known: readonly string[], mode: MergeMode): string | undefined {
  if (mode === '2.x') return known.find((k) => k.toLowerCase() === key.toLowerCase());
  return known.find((k) => key === k || key === k.toLowerCase() || key === k.toUpperCase() || key === k.charAt(0).toLowerCase() + k.slice(1));
}

/** v2 CRI keys that config version 3 moved (plugins/cri/{cri.go,runtime/plugin.go,images/plugin.go} @ v2.2.7). */
const V3_IMAGES_KEYS = new Set(['registry', 'image_decryption', 'max_concurrent_downloads', 'image_pull_progress_timeout', 'image_pull_with_sync_fs', 'stats_collect_period']);
const RUNTIME_ID = 'plugins."io.containerd.cri.v1.runtime"';
const IMAGES_ID = 'plugins."io.containerd.cri.v1.images"';

/**
 * Where an unknown key probably belongs: the table above a `[header]` it was written under, runc
 * options, another CRI table of this layout; or that it was removed.
 */
function hintFor(schema: ContainerdSchema, def: string, rel: Path, key: string, fileVersion: number, tablePath: Path, table: VNode | undefined): string | undefined {
  const props = (d: string) => Object.keys(deref(schema, schema.$defs[d] ?? {}).properties ?? {});
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
  const depth = rel.length;
  // A key written after a sub-table header lands in that sub-table (TOML), e.g. containerd's own
  // 1.7 docs put max_container_log_line_size under [plugins."io.containerd.grpc.v1.cri".x509_key_pair_streaming].
  if (depth >= 2 && table && (table.syntax as { type?: string } | undefined)?.type === 'TOMLTable') {
    const grand = schemaAt(schema, schema.$defs[def]!, rel.slice(0, -2));
    if (grand?.properties && Object.hasOwn(grand.properties, key))
      return `"${key}" belongs in [${formatPath(tablePath.slice(0, -1))}]: TOML puts the keys after the [${formatPath(tablePath)}] header into that table, so move it above the header`;
  }
  // A runc option written in the runtime table instead of its options table.
  const inRuntimeEntry = (def === 'cri-v2' || def === 'cri-runtime-v3') && depth === 4 && rel[0] === 'containerd' && rel[1] === 'runtimes';
  if (inRuntimeEntry) {
    const opt = props('runc-options').find((k) => norm(k) === norm(key));
    if (opt) return `${opt} is a runc option: set it in [${formatPath([...tablePath, 'options'])}]`;
  }
  // A key of the version-2 layout that containerd 2.0 removed, written in a version-3 table.
  if (def === 'cri-runtime-v3' || def === 'cri-images-v3' || def === 'cri-server-v3') {
    // The v3 tables keep the v2 shapes (containerd.runtimes.<name>, registry.configs.<host>, …).
    const v2prop = schemaAt(schema, schema.$defs['cri-v2']!, rel.slice(0, -1))?.properties?.[key];
    const removed = v2prop?.['x-removed'];
    if (typeof removed === 'string') return `"${key}" was removed in containerd ${removed}`;
  }
  if (depth !== 1) return undefined;
  if (def === 'cri-server-v3') {
    // v2-layout CRI settings in a version ≥ 3 file, where io.containerd.grpc.v1.cri only holds the
    // streaming server (ServerConfig; plugins/cri/cri.go @ v2.2.7).
    if (key === 'sandbox_image') return `in config version ${fileVersion} the sandbox image is "sandbox" in [${IMAGES_ID}.pinned_images]`;
    if (V3_IMAGES_KEYS.has(key)) return `in config version ${fileVersion} this setting belongs in [${IMAGES_ID}]`;
    if (key === 'containerd' || key === 'cni' || props('cri-runtime-v3').includes(key)) return `in config version ${fileVersion} this setting belongs in [${RUNTIME_ID}]`;
  }
  if (def === 'cri-v2') {
    if (props('cri-images-v3').includes(key)) return `"${key}" exists only in [${IMAGES_ID}] (config version 3 and later, containerd 2.0+)`;
    if (props('cri-runtime-v3').includes(key)) return `"${key}" exists only in [${RUNTIME_ID}] (config version 3 and later, containerd 2.0+)`;
  }
  if (def === 'cri-runtime-v3' && props('cri-images-v3').includes(key)) return `"${key}" belongs in [${IMAGES_ID}]`;
  if (def === 'cri-images-v3' && props('cri-runtime-v3').includes(key)) return `"${key}" belongs in [${RUNTIME_ID}]`;
  return undefined;
}


/** `"key" in [table]`, with array indexes after the key: `"disabled_plugins"[0] at the top level`. */
function keyText(abs: Path): string {
  let i = abs.length - 1;
  while (i >= 0 && typeof abs[i] === 'number') i--;
  if (i < 0) return tableText(abs);
  const idx = abs.slice(i + 1).map((n) => `[${n}]`).join('');
  return `"${abs[i]}"${idx} ${tableText(abs.slice(0, i))}`;
}



/**
 * Is a key with this `x-since` in the target release? A list names the first patch release of each
 * line the key reached (backports); a target line after the first listed one has it. A target given
 * as a minor line only (`2.2`) means its newest patch release.
 */
export function available(since: string | string[] | undefined, t: Version): boolean {
  if (since === undefined) return true;
  const list = (Array.isArray(since) ? since : [since]).map((s) => parseVersion(s)!).sort(cmpVersion);
  const same = list.find((s) => s.major === t.major && s.minor === t.minor);
  if (same) return t.patch === undefined || t.patch >= (same.patch ?? 0);
  return cmpVersion({ major: t.major, minor: t.minor }, { major: list[0]!.major, minor: list[0]!.minor }) > 0;
}

