/**
 * The kubelet model: its KubeletConfiguration file, the `--config-dir` drop-ins merged over it,
 * kubeadm's instance-config.yaml, the flags from kubeadm-flags.env and /etc/default/kubelet, and
 * the effective value of a setting (flag > config file > v1beta1 default) with where it came from.
 *
 * How the kubelet reads these (each fact with its source; KK = kubernetes/kubernetes):
 * - Config file: `--config`, decoded through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 booleans),
 *   strictly first and, when strict decoding fails (unknown or duplicate fields), leniently with
 *   only v1beta1 registered: unknown fields are dropped, the last duplicate wins, the kubelet logs
 *   "Using lenient decoding as strict decoding failed" (KK pkg/kubelet/kubeletconfig/util/codec/codec.go).
 *   kubeadm's unit passes `--config=/var/lib/kubelet/config.yaml` (KUBELET_CONFIG_ARGS in
 *   10-kubeadm.conf; kubernetes/website kubelet-integration.md).
 * - JSON is YAML and is parsed here with the same YAML 1.1 parser. Where the kubelet differs: its
 *   codec factory recognises a file starting with `{` as JSON and decodes it with the JSON
 *   serializer without YAML conversion (apimachinery serializer/json `RecognizesData`), so
 *   YAML-only syntax (comments, trailing commas, single quotes, unquoted keys) is fatal there;
 *   JSON files are therefore also checked with a strict JSON parser.
 * - Only the first YAML document of the config file is decoded (sigs.k8s.io/yaml → go-yaml v2
 *   `Unmarshal` reads the first document). A kubeadm config file holds several documents; in a
 *   loose file the `kind: KubeletConfiguration` document is the one linted.
 * - Flags: ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS
 *   $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS with EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
 *   and EnvironmentFile=-/etc/default/kubelet (/etc/sysconfig/kubelet on RPM systems)
 *   (kubernetes/website kubelet-integration.md @ 00c9b643); EXTRA_ARGS come last, so they win.
 *   That is kubeadm's unit, assumed when the node root has no kubelet.service; when it has one, the
 *   unit's own ExecStart= (after its drop-ins, `$VAR` words from Environment= and EnvironmentFile=,
 *   model/units.ts) is the command line, whatever the layout (kubespray: $KUBELET_ARGS from
 *   /etc/kubernetes/kubelet.env).
 * - Flags override the config file: after loading `--config` and merging `--config-dir`, the
 *   kubelet re-parses the command line over the result (KK cmd/kubelet/app/server.go
 *   `kubeletConfigFlagPrecedence`); feature gates from flags are merged over the file's map.
 * - Drop-ins (`--config-dir`, KEP-3983; alpha 1.28–1.29 behind KUBELET_CONFIG_DROPIN_DIR_ALPHA,
 *   beta 1.30, GA 1.35): every `*.conf` file found by `filepath.WalkDir` (lexical order, into
 *   subdirectories) is applied with `jsonpatch.MergePatch` (RFC 7386 JSON merge patch: objects merge
 *   key by key, arrays and scalars replace, `null` removes) (KK cmd/kubelet/app/server.go
 *   `mergeKubeletConfigurations`; kubernetes/website reference/node/kubelet-config-directory-merging.md).
 *   Since 1.32 the merge works on the versioned (v1beta1) serialisation and drop-ins must carry a
 *   known apiVersion/kind (KK PR #127421, fixing KK issue #126630: before 1.32 the merge ran on the
 *   internal struct, whose field `ResolverConfig` does not match the JSON key `resolvConf`, so a
 *   drop-in `resolvConf` was silently ignored). Uncertain: the exact base of the 1.32+ merge was not
 *   read (PR diff not available); it is modelled as the merge of the raw documents, defaulted after.
 * - kubeadm's /var/lib/kubelet/instance-config.yaml (NodeLocalCRISocket: alpha 1.32, beta 1.34,
 *   GA 1.36) holds only `containerRuntimeEndpoint`; kubeadm applies it as a patch when it writes
 *   config.yaml (KK cmd/kubeadm/app/phases/kubelet/config.go `WriteConfigToDisk` →
 *   `applyKubeletConfigPatchFromFile`); the kubelet itself never reads it. So it is not merged
 *   into the kubelet's effective settings here; the model keeps it (`instance`) and the schema step
 *   reports when config.yaml disagrees with it.
 */
import { basename, dirname, posix } from 'node:path';
import type { SourceFile } from '../core/source.js';
import type { Finding } from '../core/types.js';
import type { Version } from '../core/version.js';
import { failCgroupV1Default, kubeletRuntimeEndpoint } from '../data/kubernetes.js';
import { kubeletFieldKnown } from '../data/kubelet-fields.js';
import { atLeastLoose, clampKubernetes, ver } from '../data/lookup.js';
import { NEWEST_KUBERNETES } from '../data/versions.js';
import { execStart, loadUnit, unitDirsOf, unitEnvironment, unitSources, type ExecCommand, type Unit } from './units.js';
import { syntaxFinding } from '../parse/common.js';
import {
  envOf,
  expandVariables,
  KUBELET_BOOLEAN_FLAGS,
  lastFlag,
  parseEnvFile,
  parseFlagWords,
  type EnvAssignment,
  type EnvFile,
  type FlagToken,
  type ParsedArgs,
  type Word,
} from '../parse/flags.js';
import type { Comment } from '../parse/common.js';
import { parseYamlSource } from '../parse/yaml.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';
import { get, getPath, isMap, toJS, type MapEntry, type MapNode, type VNode } from './tree.js';

export const KUBELET_API_VERSION = 'kubelet.config.k8s.io/v1beta1';
export const KUBELET_KIND = 'KubeletConfiguration';

/** Node paths kubeadm and the kubelet packages use (kubernetes/website kubelet-integration.md; KK kubeadm constants.go). */
export const KUBELET_CONFIG_PATH = '/var/lib/kubelet/config.yaml';
export const KUBEADM_FLAGS_PATH = '/var/lib/kubelet/kubeadm-flags.env';
export const KUBELET_DEFAULTS_PATHS = ['/etc/default/kubelet', '/etc/sysconfig/kubelet'] as const;
export const KUBELET_INSTANCE_CONFIG_PATH = '/var/lib/kubelet/instance-config.yaml';
/** The kubelet's systemd unit (the kubelet packages install it; kubeadm's package adds the 10-kubeadm.conf drop-in). */
export const KUBELET_UNIT = 'kubelet.service';
/** The variables of kubeadm's ExecStart that come from EnvironmentFile= files, in ExecStart order. */
export const KUBELET_ARG_VARIABLES = ['KUBELET_KUBEADM_ARGS', 'KUBELET_EXTRA_ARGS'] as const;

export type KubeletDocRole = 'config' | 'drop-in' | 'instance' | 'other';

/** One KubeletConfiguration document (or a kubeadm instance config) with its positioned tree. */
export interface KubeletDoc {
  file: SourceFile;
  root: MapNode;
  /** 0-based index of the YAML document in the file. */
  document: number;
  /** Number of YAML documents in the file. */
  documents: number;
  role: KubeletDocRole;
  /** The file is JSON (starts with `{`). */
  json: boolean;
}

export interface KubeletFlags {
  /** kubelet.service (with its drop-ins) when the node root has it: its ExecStart= is the command line. */
  unit?: Unit;
  /** Its ExecStart= as systemd expands it (model/units.ts), when the unit gives the command line. */
  command?: ExecCommand;
  files: EnvFile[];
  /** Variables as the service sees them (later files and lines win, invalid names dropped). */
  env: Map<string, EnvAssignment>;
  /** The words of the command line after systemd's splitting: kubelet.service's ExecStart= after the binary, else $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS. */
  words: Word[];
  args: ParsedArgs;
}

export interface KubeletModel {
  files: SourceFile[];
  /** The main config file (`--config`), or null when none was found. */
  config: KubeletDoc | null;
  /** Node path the kubelet reads its config from (root mode), and the flag that set it. */
  configPath: string | null;
  configFlag: FlagToken | null;
  /** `--config` names a file that does not exist under the node root. */
  configMissing: boolean;
  /** `--config-dir` (node path) and its flag; drop-ins in merge order. */
  configDir: string | null;
  configDirFlag: FlagToken | null;
  dropIns: KubeletDoc[];
  /** kubeadm's instance-config.yaml, when present. */
  instance: KubeletDoc | null;
  /** Kubelet config files given that are neither the config, a drop-in nor the instance config (linted alone). */
  others: KubeletDoc[];
  flags: KubeletFlags | null;
  /**
   * Config file with the drop-ins merged over it (JSON merge patch). Leaves and arrays are the
   * original nodes of the file that set them; maps merged from several files are new MapNodes
   * (file and range of the latest contributor). Null when there is no config and no drop-in.
   */
  merged: MapNode | null;
  /** Winning node → the nodes it replaced, nearest first (a `null` node replaces what it removed). */
  overrides: Map<VNode, VNode[]>;
  /** Merged map → the original maps merged into it, oldest first. */
  contributors: Map<MapNode, MapNode[]>;
}

/** The nodes a winning node replaced in the drop-in merge, nearest first. */
export function overriddenBy(model: KubeletModel, node: VNode): VNode[] {
  return model.overrides.get(node) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Where parse findings and comments go (a LoadContext, or a plain collector in tests). */
export interface KubeletSink {
  findings: Finding[];
  addComments?(src: SourceFile, comments: Comment[]): void;
}

/**
 * Parse one kubelet config file into a document. `pick`: 'first' reads the first YAML document, as
 * the kubelet does with its --config file and drop-ins; 'kubelet' picks the
 * `kind: KubeletConfiguration` document (a kubeadm config file linted on its own).
 */
export function kubeletDoc(src: SourceFile, role: KubeletDocRole, sink: KubeletSink, pick: 'first' | 'kubelet' = 'first'): KubeletDoc | null {
  const docs = parseKubeletSource(src, sink.findings);
  sink.addComments?.(src, docs.comments);
  const chosen = pick === 'kubelet' ? chooseDocument(docs.roots) : firstMap(docs.roots);
  if (!chosen) return null;
  return { file: src, root: chosen.root, document: chosen.index, documents: docs.roots.length, role, json: docs.json };
}

/** Parse EnvironmentFile= sources into the kubelet's flags (findings and comments to the sink). */
export function kubeletFlagsOf(sources: readonly SourceFile[], sink: KubeletSink): KubeletFlags | null {
  if (!sources.length) return null;
  const files = sources.map((src) => {
    const env = parseEnvFile(src);
    sink.addComments?.(src, env.comments);
    sink.findings.push(...env.findings);
    return env;
  });
  return flagsOf(files);
}

export interface KubeletParts {
  config?: KubeletDoc | null;
  dropIns?: KubeletDoc[];
  instance?: KubeletDoc | null;
  others?: KubeletDoc[];
  flags?: KubeletFlags | null;
}

/** Assemble a model from parsed parts: merges the drop-ins over the config. */
export function assembleKubeletModel(parts: KubeletParts): KubeletModel {
  const flags = parts.flags ?? null;
  const flagList = flags?.args.flags ?? [];
  const docs = [parts.config, ...(parts.dropIns ?? []), parts.instance, ...(parts.others ?? [])].filter((d): d is KubeletDoc => !!d);
  const files = [...(flags?.files.map((f) => f.file) ?? []), ...docs.map((d) => d.file)];
  const model: KubeletModel = {
    files: [...new Set(files)],
    config: parts.config ?? null,
    configPath: null,
    configFlag: lastFlag(flagList, 'config'),
    configMissing: false,
    configDir: null,
    configDirFlag: lastFlag(flagList, 'config-dir'),
    dropIns: parts.dropIns ?? [],
    instance: parts.instance ?? null,
    others: parts.others ?? [],
    flags,
    merged: null,
    overrides: new Map(),
    contributors: new Map(),
  };
  mergeModel(model);
  return model;
}

/** A kubeadm instance config: no apiVersion/kind, only `containerRuntimeEndpoint`. */
function looksLikeInstance(d: KubeletDoc): boolean {
  return d.root.entries.length > 0 && d.root.entries.every((e) => e.key === 'containerRuntimeEndpoint');
}

export function loadKubelet(ctx: LoadContext): KubeletModel | null {
  const files: SourceFile[] = [];
  const read = (hostPath: string, kind: 'kubelet' | 'kubelet-flags'): SourceFile | null => {
    const src = ctx.read(hostPath, kind);
    if (!src) return null;
    if (!files.includes(src)) files.push(src);
    return unusable(src) ? null : src;
  };
  const sink: KubeletSink = { findings: ctx.findings, addComments: (src, c) => ctx.addComments(src, c) };

  // Flags first: they name the config file and the drop-in directory. In a node root with
  // kubelet.service, its ExecStart= (after drop-ins) is the command line; otherwise kubeadm's unit is
  // assumed: $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS from its two EnvironmentFile= files.
  let flags: KubeletFlags | null = null;
  if (ctx.root) {
    const unit = loadUnit(ctx, KUBELET_UNIT, unitDirsOf(ctx), 'kubelet-flags');
    const cmd = unit ? execStart(unit, { booleans: KUBELET_BOOLEAN_FLAGS }) : null;
    for (const f of unitSources(unit)) if (!files.includes(f)) files.push(f);
    if (unit && cmd) flags = { unit, command: cmd, files: unit.env, env: unitEnvironment(unit), words: cmd.words, args: { flags: cmd.flags, positionals: cmd.positionals } };
  }
  if (!flags) {
    const flagPaths = ctx.root
      ? [KUBEADM_FLAGS_PATH, ...KUBELET_DEFAULTS_PATHS].map((p) => ctx.hostPath(p)).filter((p) => ctx.exists(p) && !ctx.isDir(p))
      : ctx.given('kubelet-flags');
    const flagSources = flagPaths.map((p) => read(p, 'kubelet-flags')).filter((x): x is SourceFile => !!x);
    flags = kubeletFlagsOf(flagSources, sink);
  }
  const flagList = flags?.args.flags ?? [];
  const configFlag = lastFlag(flagList, 'config');
  const configDirFlag = lastFlag(flagList, 'config-dir');
  const parts: KubeletParts = { flags, dropIns: [], others: [] };
  let configPath: string | null = null;
  let configDir: string | null = null;
  let configMissing = false;

  if (ctx.root) {
    configPath = configFlag?.value ? absolute(configFlag.value) : KUBELET_CONFIG_PATH;
    const host = ctx.hostPath(configPath);
    if (ctx.exists(host) && !ctx.isDir(host)) {
      const src = read(host, 'kubelet');
      if (src) parts.config = kubeletDoc(src, 'config', sink);
    } else if (configFlag) configMissing = true;
    if (configDirFlag?.value) {
      configDir = absolute(configDirFlag.value);
      for (const p of walkConf(ctx, ctx.hostPath(configDir))) {
        const src = read(p, 'kubelet');
        const d = src && kubeletDoc(src, 'drop-in', sink);
        if (d) parts.dropIns!.push(d);
      }
    }
    const inst = ctx.hostPath(KUBELET_INSTANCE_CONFIG_PATH);
    if (ctx.exists(inst) && !ctx.isDir(inst)) {
      const src = read(inst, 'kubelet');
      if (src) parts.instance = kubeletDoc(src, 'instance', sink);
    }
  } else {
    // Loose files: drop-ins by their `.conf` name or `*.d` directory (merged in name order), an
    // instance config by its content; the first other file is the config, further ones are
    // linted on their own.
    const isDropIn = (p: string) => /\.conf$/.test(p) || /\.d$/.test(basename(dirname(p)));
    for (const p of ctx.given('kubelet')) {
      const src = read(p, 'kubelet');
      if (!src) continue;
      const d = kubeletDoc(src, isDropIn(p) ? 'drop-in' : 'other', sink, 'kubelet');
      if (!d) continue;
      if (d.role === 'drop-in') parts.dropIns!.push(d);
      else if (looksLikeInstance(d) && !parts.instance) parts.instance = { ...d, role: 'instance' };
      else if (!parts.config) parts.config = { ...d, role: 'config' };
      else parts.others!.push(d);
    }
    parts.dropIns!.sort((a, b) => (basename(a.file.path) < basename(b.file.path) ? -1 : basename(a.file.path) > basename(b.file.path) ? 1 : 0));
  }

  if (!files.length) return null;
  const model = assembleKubeletModel(parts);
  model.files = files;
  model.configPath = configPath;
  model.configDir = configDir;
  model.configMissing = configMissing;
  return model;
}

function absolute(p: string): string {
  // The kubelet runs with / as its working directory under systemd; relative paths resolve there.
  return posix.resolve('/', p);
}

/** `*.conf` files below a directory as filepath.WalkDir visits them (lexical order, depth first). */
function walkConf(ctx: LoadContext, dir: string, depth = 0): string[] {
  if (depth > 16 || !ctx.isDir(dir)) return [];
  const out: string[] = [];
  for (const name of ctx.list(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const p = `${dir}/${name}`;
    if (ctx.isDir(p)) out.push(...walkConf(ctx, p, depth + 1));
    else if (posix.extname(name) === '.conf') out.push(p);
  }
  return out;
}

export interface ParsedKubeletSource {
  roots: (VNode | null)[];
  comments: Comment[];
  json: boolean;
}

/**
 * Parse a kubelet config file (YAML or JSON) as the kubelet does: YAML 1.1; a file starting with
 * `{` must also be strict JSON. Syntax findings are appended to `findings`.
 */
export function parseKubeletSource(src: SourceFile, findings: Finding[]): ParsedKubeletSource {
  const doc = parseYamlSource(src, { version: '1.1' });
  findings.push(...doc.findings);
  const json = /^\s*\{/.test(src.text);
  if (json && doc.findings.length === 0) {
    try {
      JSON.parse(src.text);
    } catch (e) {
      const msg = (e as Error).message;
      const m = /position (\d+)/.exec(msg);
      const at = m ? Number(m[1]) : 0;
      findings.push(syntaxFinding(src, at, at + 1, `invalid JSON (the kubelet decodes a file starting with "{" as JSON, not YAML): ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`));
    }
  }
  return { roots: doc.roots, comments: doc.comments, json };
}

/** The document with `kind: KubeletConfiguration`, else the first map document. */
export function chooseDocument(roots: readonly (VNode | null)[]): { root: MapNode; index: number } | null {
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i] ?? undefined;
    const kind = isMap(r) ? get(r, 'kind') : undefined;
    if (isMap(r) && kind?.kind === 'scalar' && kind.value === KUBELET_KIND) return { root: r, index: i };
  }
  return firstMap(roots);
}

function firstMap(roots: readonly (VNode | null)[]): { root: MapNode; index: number } | null {
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i] ?? undefined;
    if (isMap(r)) return { root: r, index: i };
  }
  return null;
}

/** Parse env files into the kubelet's argv (KUBELET_KUBEADM_ARGS then KUBELET_EXTRA_ARGS). */
export function flagsOf(files: EnvFile[]): KubeletFlags {
  const env = envOf(files);
  const words = expandVariables(env, KUBELET_ARG_VARIABLES);
  return { files, env, words, args: parseFlagWords(words, { booleans: KUBELET_BOOLEAN_FLAGS }) };
}

// ---------------------------------------------------------------------------------------------
// Drop-in merge (RFC 7386 JSON merge patch over positioned trees)

function mergeModel(model: KubeletModel): void {
  let merged: MapNode | null = model.config?.root ?? null;
  for (const d of model.dropIns) merged = mergePatch(merged, d.root, model) as MapNode;
  model.merged = merged;
}

/** Unique entries of a map, last duplicate wins, in order of first appearance. */
function uniqueEntries(m: MapNode): MapEntry[] {
  const byKey = new Map<string, MapEntry>();
  for (const e of m.entries) byKey.set(e.key, e);
  return [...byKey.values()];
}

function mergePatch(target: VNode | null, patch: VNode, model: KubeletModel): VNode {
  if (patch.kind !== 'map') return patch;
  const base = target && target.kind === 'map' ? target : null;
  const entries: MapEntry[] = base ? uniqueEntries(base) : [];
  const result: MapNode = { kind: 'map', entries, file: patch.file, range: patch.range, path: patch.path, syntax: patch.syntax };
  if (patch.keyRange) result.keyRange = patch.keyRange;
  for (const pe of uniqueEntries(patch)) {
    const i = entries.findIndex((e) => e.key === pe.key);
    const old = i >= 0 ? entries[i]!.value : null;
    let value: VNode;
    if (pe.value.kind === 'map' && old?.kind === 'map') {
      value = mergePatch(old, pe.value, model);
    } else {
      value = pe.value.kind === 'map' ? mergePatch(null, pe.value, model) : pe.value;
      if (old) model.overrides.set(value, [old, ...(model.overrides.get(old) ?? [])]);
    }
    const e: MapEntry = { key: pe.key, keyRange: pe.keyRange, value };
    if (i >= 0) entries[i] = e;
    else entries.push(e);
  }
  const prev = base ? [...(model.contributors.get(base) ?? [base])] : [];
  model.contributors.set(result, [...prev, patch]);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Effective settings

export type FlagType = 'bool' | 'int' | 'string' | 'duration' | 'strings' | 'mapBool' | 'mapString' | 'mapLangle';

export interface KubeletFlagInfo {
  /** Dotted KubeletConfiguration path the flag sets, or null for a flag-only setting. */
  field: string | null;
  type: FlagType;
}

/**
 * Kubelet flags crilint reads and the config fields they set. Flag names and bindings: KK
 * cmd/kubelet/app/options/options.go (`AddKubeletConfigFlags` binds each to its field,
 * `KubeletFlags.AddFlags` registers the flag-only ones); value types per pflag registration
 * (`BoolVar`, `Int32Var`, `StringSliceVar`, `cliflag.NewMapStringBool` for `--feature-gates`,
 * `cliflag.NewMapStringString` for the reserved maps, `NewLangleSeparatedMapStringString` for
 * eviction thresholds). Deprecations and removals are in src/data/kubelet-flags.ts.
 */
export const KUBELET_FLAG_FIELDS: Readonly<Record<string, KubeletFlagInfo>> = {
  config: { field: null, type: 'string' },
  'config-dir': { field: null, type: 'string' },
  kubeconfig: { field: null, type: 'string' },
  'bootstrap-kubeconfig': { field: null, type: 'string' },
  'hostname-override': { field: null, type: 'string' },
  'node-ip': { field: null, type: 'string' },
  'node-labels': { field: null, type: 'string' },
  'runtime-cgroups': { field: null, type: 'string' },
  'cert-dir': { field: null, type: 'string' },
  'pod-infra-container-image': { field: null, type: 'string' },
  'container-runtime': { field: null, type: 'string' },
  'network-plugin': { field: null, type: 'string' },
  'cgroup-driver': { field: 'cgroupDriver', type: 'string' },
  'container-runtime-endpoint': { field: 'containerRuntimeEndpoint', type: 'string' },
  'image-service-endpoint': { field: 'imageServiceEndpoint', type: 'string' },
  'fail-swap-on': { field: 'failSwapOn', type: 'bool' },
  'fail-cgroupv1': { field: 'failCgroupV1', type: 'bool' },
  'protect-kernel-defaults': { field: 'protectKernelDefaults', type: 'bool' },
  'read-only-port': { field: 'readOnlyPort', type: 'int' },
  port: { field: 'port', type: 'int' },
  address: { field: 'address', type: 'string' },
  'healthz-port': { field: 'healthzPort', type: 'int' },
  'healthz-bind-address': { field: 'healthzBindAddress', type: 'string' },
  'anonymous-auth': { field: 'authentication.anonymous.enabled', type: 'bool' },
  'authentication-token-webhook': { field: 'authentication.webhook.enabled', type: 'bool' },
  'client-ca-file': { field: 'authentication.x509.clientCAFile', type: 'string' },
  'authorization-mode': { field: 'authorization.mode', type: 'string' },
  'rotate-certificates': { field: 'rotateCertificates', type: 'bool' },
  'rotate-server-certificates': { field: 'serverTLSBootstrap', type: 'bool' },
  'tls-cipher-suites': { field: 'tlsCipherSuites', type: 'strings' },
  'tls-min-version': { field: 'tlsMinVersion', type: 'string' },
  'tls-cert-file': { field: 'tlsCertFile', type: 'string' },
  'tls-private-key-file': { field: 'tlsPrivateKeyFile', type: 'string' },
  'feature-gates': { field: 'featureGates', type: 'mapBool' },
  'cgroup-root': { field: 'cgroupRoot', type: 'string' },
  'cgroups-per-qos': { field: 'cgroupsPerQOS', type: 'bool' },
  'kubelet-cgroups': { field: 'kubeletCgroups', type: 'string' },
  'system-cgroups': { field: 'systemCgroups', type: 'string' },
  'system-reserved-cgroup': { field: 'systemReservedCgroup', type: 'string' },
  'kube-reserved-cgroup': { field: 'kubeReservedCgroup', type: 'string' },
  'system-reserved': { field: 'systemReserved', type: 'mapString' },
  'kube-reserved': { field: 'kubeReserved', type: 'mapString' },
  'enforce-node-allocatable': { field: 'enforceNodeAllocatable', type: 'strings' },
  'reserved-cpus': { field: 'reservedSystemCPUs', type: 'string' },
  'max-pods': { field: 'maxPods', type: 'int' },
  'pod-max-pids': { field: 'podPidsLimit', type: 'int' },
  'serialize-image-pulls': { field: 'serializeImagePulls', type: 'bool' },
  'max-parallel-image-pulls': { field: 'maxParallelImagePulls', type: 'int' },
  'eviction-hard': { field: 'evictionHard', type: 'mapLangle' },
  'eviction-soft': { field: 'evictionSoft', type: 'mapLangle' },
  'resolv-conf': { field: 'resolvConf', type: 'string' },
  'cluster-dns': { field: 'clusterDNS', type: 'strings' },
  'cluster-domain': { field: 'clusterDomain', type: 'string' },
  'hairpin-mode': { field: 'hairpinMode', type: 'string' },
  'volume-plugin-dir': { field: 'volumePluginDir', type: 'string' },
  'provider-id': { field: 'providerID', type: 'string' },
  'pod-manifest-path': { field: 'staticPodPath', type: 'string' },
  'node-status-update-frequency': { field: 'nodeStatusUpdateFrequency', type: 'duration' },
  'image-gc-high-threshold': { field: 'imageGCHighThresholdPercent', type: 'int' },
  'image-gc-low-threshold': { field: 'imageGCLowThresholdPercent', type: 'int' },
  'streaming-connection-idle-timeout': { field: 'streamingConnectionIdleTimeout', type: 'duration' },
  'make-iptables-util-chains': { field: 'makeIPTablesUtilChains', type: 'bool' },
  'event-qps': { field: 'eventRecordQPS', type: 'int' },
  'event-burst': { field: 'eventBurst', type: 'int' },
  'kube-api-qps': { field: 'kubeAPIQPS', type: 'int' },
  'kube-api-burst': { field: 'kubeAPIBurst', type: 'int' },
  'registry-qps': { field: 'registryPullQPS', type: 'int' },
  'registry-burst': { field: 'registryBurst', type: 'int' },
  'local-storage-capacity-isolation': { field: 'localStorageCapacityIsolation', type: 'bool' },
  'seccomp-default': { field: 'seccompDefault', type: 'bool' },
  'kernel-memcg-notification': { field: 'kernelMemcgNotification', type: 'bool' },
  'container-log-max-size': { field: 'containerLogMaxSize', type: 'string' },
  'container-log-max-files': { field: 'containerLogMaxFiles', type: 'int' },
  runonce: { field: 'runOnce', type: 'bool' },
  'cpu-manager-policy': { field: 'cpuManagerPolicy', type: 'string' },
  'topology-manager-policy': { field: 'topologyManagerPolicy', type: 'string' },
  'topology-manager-scope': { field: 'topologyManagerScope', type: 'string' },
  'memory-manager-policy': { field: 'memoryManagerPolicy', type: 'string' },
  'max-open-files': { field: 'maxOpenFiles', type: 'int' },
  'oom-score-adj': { field: 'oomScoreAdj', type: 'int' },
  'cpu-cfs-quota': { field: 'cpuCFSQuota', type: 'bool' },
  'cpu-cfs-quota-period': { field: 'cpuCFSQuotaPeriod', type: 'duration' },
  'enable-server': { field: 'enableServer', type: 'bool' },
  'enable-debugging-handlers': { field: 'enableDebuggingHandlers', type: 'bool' },
  'register-node': { field: 'registerNode', type: 'bool' },
};

/** The flag that sets a config field, if any. */
export function flagForField(field: string): string | null {
  if (!flagByField) {
    flagByField = new Map();
    // The first flag of a field wins, as the linear search this replaces found it.
    for (const [flag, info] of Object.entries(KUBELET_FLAG_FIELDS)) if (info.field !== null && !flagByField.has(info.field)) flagByField.set(info.field, flag);
  }
  return flagByField.get(field) ?? null;
}
let flagByField: Map<string, string> | null = null;

export type SettingOrigin = 'flag' | 'config' | 'default';

export interface KubeletSetting {
  /** The value the kubelet ends up with (JS value: string, number, boolean, string[], record). */
  value: unknown;
  /** The config node that set it (also for origin 'default' when an empty value triggered defaulting). */
  node: VNode | null;
  /** The winning flag occurrence, when a flag set it. */
  flag: FlagToken | null;
  origin: SettingOrigin;
}

/**
 * v1beta1 defaults (reference/kubelet-kubeadm.md §1.4 table and §1.6; KK
 * pkg/kubelet/apis/config/v1beta1/defaults.go). `zero`: the Go field is not a pointer, so its zero
 * value (`""`, `0`, `"0s"`) cannot be told from "unset" and defaulting replaces it (defaults.go
 * `if obj.X == ""` / `== 0` / `== zeroDuration`). Pointer fields (`*T` in the table) default only
 * when absent or null. Functions take the target Kubernetes version.
 */
type Def = { value: unknown | ((v: Version) => unknown); zero?: boolean };
const ge = (t: Version, s: string) => atLeastLoose(clampKubernetes(t).version, s);
export const KUBELET_DEFAULTS: Readonly<Record<string, Def>> = {
  enableServer: { value: true },
  podLogsDir: { value: '/var/log/pods', zero: true }, // types.go doc writes "/var/log/pods/"; validation requires a clean path
  syncFrequency: { value: '1m', zero: true },
  fileCheckFrequency: { value: '20s', zero: true },
  httpCheckFrequency: { value: '20s', zero: true },
  address: { value: '0.0.0.0', zero: true },
  port: { value: 10250, zero: true },
  readOnlyPort: { value: 0 },
  rotateCertificates: { value: false },
  serverTLSBootstrap: { value: false },
  'authentication.anonymous.enabled': { value: false },
  'authentication.webhook.enabled': { value: true },
  'authentication.webhook.cacheTTL': { value: '2m', zero: true },
  'authorization.mode': { value: 'Webhook', zero: true },
  'authorization.webhook.cacheAuthorizedTTL': { value: '5m', zero: true },
  'authorization.webhook.cacheUnauthorizedTTL': { value: '30s', zero: true },
  registryPullQPS: { value: 5 },
  registryBurst: { value: 10, zero: true },
  // KubeletEnsureSecretPulledImages: alpha 1.33 (off), beta 1.35 (on) (reference §3.3).
  imagePullCredentialsVerificationPolicy: { value: (t: Version) => (ge(t, '1.35') ? 'NeverVerifyPreloadedImages' : ''), zero: true },
  eventRecordQPS: { value: (t: Version) => (ge(t, '1.27') ? 50 : 5) },
  eventBurst: { value: (t: Version) => (ge(t, '1.27') ? 100 : 10), zero: true },
  enableDebuggingHandlers: { value: true },
  enableContentionProfiling: { value: false },
  healthzPort: { value: 10248 },
  healthzBindAddress: { value: '127.0.0.1', zero: true },
  oomScoreAdj: { value: -999 },
  streamingConnectionIdleTimeout: { value: '4h', zero: true },
  nodeStatusUpdateFrequency: { value: '10s', zero: true },
  nodeStatusReportFrequency: { value: '5m', zero: true },
  nodeLeaseDurationSeconds: { value: 40, zero: true },
  imageMinimumGCAge: { value: '2m', zero: true },
  imageMaximumGCAge: { value: '0s' },
  imageGCHighThresholdPercent: { value: 85 },
  imageGCLowThresholdPercent: { value: 80 },
  volumeStatsAggPeriod: { value: '1m', zero: true },
  cgroupsPerQOS: { value: true },
  cgroupDriver: { value: 'cgroupfs', zero: true },
  cpuManagerPolicy: { value: 'none', zero: true },
  cpuManagerReconcilePeriod: { value: '10s', zero: true },
  memoryManagerPolicy: { value: 'None', zero: true },
  topologyManagerPolicy: { value: 'none', zero: true },
  topologyManagerScope: { value: 'container', zero: true },
  runtimeRequestTimeout: { value: '2m', zero: true },
  hairpinMode: { value: 'promiscuous-bridge', zero: true },
  maxPods: { value: 110, zero: true },
  podPidsLimit: { value: -1 },
  resolvConf: { value: '/etc/resolv.conf' },
  runOnce: { value: false },
  cpuCFSQuota: { value: true },
  cpuCFSQuotaPeriod: { value: '100ms' },
  nodeStatusMaxImages: { value: 50 },
  maxOpenFiles: { value: 1000000, zero: true },
  contentType: { value: 'application/vnd.kubernetes.protobuf', zero: true },
  kubeAPIQPS: { value: (t: Version) => (ge(t, '1.27') ? 50 : 5) },
  kubeAPIBurst: { value: (t: Version) => (ge(t, '1.27') ? 100 : 10), zero: true },
  serializeImagePulls: { value: true },
  // Linux defaults (KK defaults_linux.go); imagefs.inodesFree since KK PR #121834 (≈1.30, uncertain per reference §8).
  evictionHard: {
    value: (t: Version) => ({
      'memory.available': '100Mi',
      'nodefs.available': '10%',
      'nodefs.inodesFree': '5%',
      'imagefs.available': '15%',
      ...(ge(t, '1.30') ? { 'imagefs.inodesFree': '5%' } : {}),
    }),
  },
  evictionPressureTransitionPeriod: { value: '5m', zero: true },
  evictionMaxPodGracePeriod: { value: 0 },
  mergeDefaultEvictionSettings: { value: false },
  podsPerCore: { value: 0 },
  enableControllerAttachDetach: { value: true },
  protectKernelDefaults: { value: false },
  makeIPTablesUtilChains: { value: true },
  iptablesMasqueradeBit: { value: 14 },
  iptablesDropBit: { value: 15 },
  failSwapOn: { value: true },
  'memorySwap.swapBehavior': { value: '' },
  containerLogMaxSize: { value: '10Mi', zero: true },
  containerLogMaxFiles: { value: 5 },
  containerLogMaxWorkers: { value: 1 },
  containerLogMonitorInterval: { value: '10s' },
  configMapAndSecretChangeDetectionStrategy: { value: 'Watch', zero: true },
  enforceNodeAllocatable: { value: ['pods'] },
  allowedUnsafeSysctls: { value: [] },
  volumePluginDir: { value: '/usr/libexec/kubernetes/kubelet-plugins/volume/exec/', zero: true },
  kernelMemcgNotification: { value: false },
  'logging.format': { value: 'text', zero: true },
  enableSystemLogHandler: { value: true },
  enableSystemLogQuery: { value: false },
  shutdownGracePeriod: { value: '0s' },
  shutdownGracePeriodCriticalPods: { value: '0s' },
  // KubeletCrashLoopBackOffMax: alpha 1.32 (off), beta 1.35 (on); 300s when on (reference §1.4).
  'crashLoopBackOff.maxContainerRestartPeriod': { value: (t: Version) => (ge(t, '1.35') ? '300s' : null) },
  enableProfilingHandler: { value: true },
  enableDebugFlagsHandler: { value: true },
  seccompDefault: { value: false },
  memoryThrottlingFactor: { value: (t: Version) => (ge(t, '1.27') ? 0.9 : 0.8) },
  memoryReservationPolicy: { value: 'None', zero: true },
  registerNode: { value: true },
  localStorageCapacityIsolation: { value: true },
  // 1.27+: defaults.go `if obj.ContainerRuntimeEndpoint == ""`; 1.24–1.26 had no default (flag only).
  containerRuntimeEndpoint: { value: (t: Version) => kubeletRuntimeEndpoint(t).default ?? '', zero: true },
  failCgroupV1: { value: (t: Version) => failCgroupV1Default(t) ?? null },
  'userNamespaces.idsPerPod': { value: 65536 },
};

/**
 * Defaults a kubelet started without `--config` gets before flag parsing (KK
 * cmd/kubelet/app/options/options.go `applyLegacyDefaults`; reference §1.6): they stay unless a
 * config file is given (drop-ins alone do not replace them: k3s-io/k3s#12164). Applied when the
 * model has no config file and no `--config` flag.
 */
export const KUBELET_LEGACY_DEFAULTS: Readonly<Record<string, unknown>> = {
  readOnlyPort: 10255,
  'authentication.anonymous.enabled': true,
  'authentication.webhook.enabled': false,
  'authorization.mode': 'AlwaysAllow',
};

function isZero(x: unknown): boolean {
  return x === null || x === '' || x === 0 || x === false || (typeof x === 'string' && /^[-+]?0+(\.0*)?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)?$/.test(x));
}

/** The default of a field for a target (null when the field has no default). */
export function kubeletDefault(model: KubeletModel | null, field: string, target?: Version): unknown {
  const t = target ?? ver(NEWEST_KUBERNETES);
  if (model && !model.config && !model.configFlag && Object.hasOwn(KUBELET_LEGACY_DEFAULTS, field)) return KUBELET_LEGACY_DEFAULTS[field];
  const d = KUBELET_DEFAULTS[field];
  if (!d) return null;
  return typeof d.value === 'function' ? (d.value as (v: Version) => unknown)(t) : d.value;
}

/** Parse a flag's value as pflag would for its type; `ok` false when the kubelet would reject it. */
export function flagValue(type: FlagType, raw: string | null): { ok: boolean; value: unknown } {
  if (type === 'bool') {
    if (raw === null) return { ok: true, value: true };
    // strconv.ParseBool
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return { ok: true, value: true };
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return { ok: true, value: false };
    return { ok: false, value: raw };
  }
  if (raw === null) return { ok: false, value: null };
  switch (type) {
    case 'int': {
      // pflag int32/int64: strconv.ParseInt(s, 0, 64) (base prefixes 0x, 0o, 0b, leading 0 = octal).
      const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.exec(raw);
      if (!m) return { ok: false, value: raw };
      const body = m[2]!.replace(/_/g, '');
      const n = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : /^0[bB]/.test(body) ? parseInt(body.slice(2), 2) : /^0[oO]/.test(body) ? parseInt(body.slice(2), 8) : /^0[0-7]+$/.test(body) ? parseInt(body.slice(1), 8) : parseInt(body, 10);
      return { ok: true, value: m[1] === '-' ? -n : n };
    }
    case 'strings':
      return { ok: true, value: raw === '' ? [] : raw.split(',') };
    case 'mapBool': {
      // component-base cliflag.MapStringBool: "k=v,k2=v2", blanks trimmed, values via strconv.ParseBool.
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const part of raw.split(',')) {
        if (part.trim() === '') continue;
        const k = part.indexOf('=');
        if (k < 0) {
          ok = false;
          continue;
        }
        const b = flagValue('bool', part.slice(k + 1).trim());
        if (!b.ok) ok = false;
        out[part.slice(0, k).trim()] = b.value;
      }
      return { ok, value: out };
    }
    case 'mapString':
    case 'mapLangle': {
      const sep = type === 'mapString' ? '=' : '<';
      const out: Record<string, string> = {};
      let ok = true;
      for (const part of raw.split(',')) {
        if (part.trim() === '') continue;
        const k = part.indexOf(sep);
        if (k < 0) {
          ok = false;
          continue;
        }
        out[part.slice(0, k).trim()] = part.slice(k + 1).trim();
      }
      return { ok, value: out };
    }
    default:
      return { ok: true, value: raw };
  }
}

/** All occurrences of a flag, in order. */
export function flagOccurrences(model: KubeletModel, name: string): FlagToken[] {
  return (model.flags?.args.flags ?? []).filter((f) => f.name === name);
}

/**
 * The value the kubelet ends up with for a config field (dotted path, e.g.
 * `authentication.anonymous.enabled`), or for a flag-only setting (`field` null, `flag` given).
 * Flags win over the config file (last occurrence; `--feature-gates` and map flags accumulate and
 * are merged over the file's map; `--tls-cipher-suites`-style lists accumulate across occurrences
 * as pflag's StringSlice does); a zero value of a non-pointer field and an absent/null field take
 * the v1beta1 default. `flag` defaults to the flag bound to the field (pass null to ignore flags).
 * `imageServiceEndpoint` defaults to the effective runtime endpoint; `serializeImagePulls` defaults
 * to false when `maxParallelImagePulls` >= 2; `nodeStatusReportFrequency` to an explicitly set
 * `nodeStatusUpdateFrequency` (defaults.go).
 */
export function kubeletSetting(model: KubeletModel, field: string | null, flag?: string | null, target?: Version): KubeletSetting {
  const t = target ?? ver(NEWEST_KUBERNETES);
  const flagName = flag === undefined ? (field ? flagForField(field) : null) : flag;
  const path = field ? field.split('.') : [];
  // A field newer than the target is unknown to that kubelet, which drops it (lenient decoding).
  const known = field ? kubeletFieldKnown(t, path[0]!) !== false : false;
  const node = field && known && model.merged ? getPath(model.merged, path) ?? null : null;
  const configValue = node ? toJS(node) : undefined;

  if (flagName) {
    const occ = flagOccurrences(model, flagName);
    if (occ.length) {
      const info = Object.hasOwn(KUBELET_FLAG_FIELDS, flagName) ? KUBELET_FLAG_FIELDS[flagName] : undefined;
      const type = info?.type ?? 'string';
      const last = occ[occ.length - 1]!;
      let value: unknown;
      if (type === 'mapBool' || type === 'mapString' || type === 'mapLangle') {
        const acc: Record<string, unknown> = {};
        for (const o of occ) Object.assign(acc, flagValue(type, o.value).value as object);
        value = type === 'mapBool' && configValue && typeof configValue === 'object' ? { ...(configValue as object), ...acc } : acc;
      } else if (type === 'strings') {
        value = occ.flatMap((o) => flagValue(type, o.value).value as string[]);
      } else value = flagValue(type, last.value).value;
      return { value, node, flag: last, origin: 'flag' };
    }
  }
  if (!field) return { value: null, node: null, flag: null, origin: 'default' };

  const d = KUBELET_DEFAULTS[field];
  if (configValue !== undefined && configValue !== null && !(d?.zero && isZero(configValue))) {
    return { value: configValue, node, flag: null, origin: 'config' };
  }
  let value: unknown;
  if (field === 'imageServiceEndpoint') value = kubeletSetting(model, 'containerRuntimeEndpoint', undefined, t).value;
  else if (field === 'serializeImagePulls') {
    const max = kubeletSetting(model, 'maxParallelImagePulls', undefined, t).value;
    value = typeof max === 'number' && max >= 2 ? false : true;
  } else if (field === 'nodeStatusReportFrequency') {
    const upd = kubeletSetting(model, 'nodeStatusUpdateFrequency', undefined, t);
    value = upd.origin !== 'default' ? upd.value : ge(t, '1.21') ? '5m' : '1m';
  } else value = kubeletDefault(model, field, t);
  return { value, node, flag: null, origin: 'default' };
}

/** The winning occurrence of a flag-only setting (e.g. `pod-infra-container-image`), or null. */
export function kubeletFlag(model: KubeletModel, name: string): FlagToken | null {
  return lastFlag(model.flags?.args.flags ?? [], name);
}
