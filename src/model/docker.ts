/**
 * The Docker Engine + cri-dockerd model: `/etc/docker/daemon.json` (positioned JSON), dockerd's and
 * cri-dockerd's systemd units with their drop-ins (the effective ExecStart= parsed into flags with
 * positions) and cri-dockerd's socket unit, and the settings the rules read: Docker's cgroup driver,
 * cri-dockerd's socket and pause image. The units are found and read as systemd does (units.ts).
 */
import type { SourceFile } from '../core/source.js';
import { CRI_DOCKERD_BOOLEAN_FLAGS, CRI_DOCKERD_DEFAULT_ENDPOINT, CRI_DOCKERD_SOCKET_UNIT, DOCKER_DAEMON_JSON, DOCKER_UNITS, DOCKERD_BOOLEAN_FLAGS, DOCKERD_KEY_RELEASES, dockerdDropsObject, unitOfPath } from '../data/docker.js';
import { syntaxFinding } from '../parse/common.js';
import type { FlagToken } from '../parse/flags.js';
import { listSetting, type UnitAssignment, type UnitFile } from '../parse/unit.js';
import { parseYamlSource } from '../parse/yaml.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';
import { execStart, flagOf, isDropIn, loadUnit, loadUnitFile, unitDirsOf, unitSources, type ExecCommand, type Unit } from './units.js';
import type { MapNode, ScalarNode, VNode } from './tree.js';
import { get } from './tree.js';

export interface DockerModel {
  files: SourceFile[];
  daemonJson: { source: SourceFile; root: MapNode | null } | null;
  dockerd: Unit | null;
  criDockerd: Unit | null;
  criDockerdSocket: Unit | null;
}

// ---------------------------------------------------------------------------------------------
// Loading

function parseDaemonJson(ctx: LoadContext, source: SourceFile): MapNode | null {
  if (unusable(source)) return null;
  if (source.text.trim() === '') return null; // dockerd: an empty file is an empty configuration
  try {
    JSON.parse(source.text);
  } catch (e) {
    // dockerd decodes with encoding/json: strict JSON (no comments, no trailing commas).
    const m = /position (\d+)/.exec(String((e as Error).message));
    const at = m ? Number(m[1]) : 0;
    const why = String((e as Error).message).replace(/ in JSON at position \d+.*$/, '');
    ctx.findings.push(syntaxFinding(source, at, at + 1, `invalid JSON: ${why}; dockerd does not start`));
    return null;
  }
  const doc = parseYamlSource(source, { version: '1.2' });
  const root = doc.roots[0];
  if (!root || root.kind !== 'map') {
    ctx.findings.push(syntaxFinding(source, 0, source.text.length, 'daemon.json must hold a JSON object; dockerd does not start'));
    return null;
  }
  return root;
}

/** dockerd's command line: the ExecStart= of docker.service, parsed as pflag does with dockerd's boolean flags. */
export function dockerdCommand(model: DockerModel | null): ExecCommand | null {
  return execStart(model?.dockerd ?? null, { booleans: DOCKERD_BOOLEAN_FLAGS });
}

/** cri-dockerd's command line: the ExecStart= of cri-docker.service, with cri-dockerd's boolean flags. */
export function criDockerdCommand(model: DockerModel | null): ExecCommand | null {
  return execStart(model?.criDockerd ?? null, { booleans: CRI_DOCKERD_BOOLEAN_FLAGS });
}

export function loadDocker(ctx: LoadContext): DockerModel | null {
  let daemonJson: DockerModel['daemonJson'] = null;
  let dockerd: Unit | null = null;
  let criDockerd: Unit | null = null;
  let criDockerdSocket: Unit | null = null;
  if (ctx.root !== null) {
    const host = ctx.hostPath(DOCKER_DAEMON_JSON);
    if (ctx.isRegular(host)) {
      const source = ctx.read(host, 'docker');
      if (source) daemonJson = { source, root: parseDaemonJson(ctx, source) };
    }
    // Most nodes have one or two of the five unit directories: the lookups (three units, two paths each) are made in those only.
    const unitDirs = unitDirsOf(ctx);
    dockerd = loadUnit(ctx, DOCKER_UNITS.dockerd, unitDirs);
    criDockerd = loadUnit(ctx, DOCKER_UNITS.criDockerd, unitDirs);
    criDockerdSocket = loadUnit(ctx, DOCKER_UNITS.criDockerdSocket, unitDirs);
  } else {
    const json = ctx.given('docker')[0];
    if (json) {
      const source = ctx.read(json, 'docker');
      if (source) daemonJson = { source, root: parseDaemonJson(ctx, source) };
    }
    const byUnit = new Map<string, UnitFile[]>();
    for (const p of ctx.given('systemd-unit')) {
      const u = unitOfPath(p);
      const f = u ? loadUnitFile(ctx, p) : null;
      if (u && f) byUnit.set(u, [...(byUnit.get(u) ?? []), f]);
    }
    const unit = (name: string): Unit | null => {
      const files = byUnit.get(name);
      return files ? { name, files: [...files].sort((a, b) => Number(isDropIn(a)) - Number(isDropIn(b))), env: [] } : null;
    };
    dockerd = unit(DOCKER_UNITS.dockerd);
    criDockerd = unit(DOCKER_UNITS.criDockerd);
    criDockerdSocket = unit(DOCKER_UNITS.criDockerdSocket);
  }
  if (!daemonJson && !dockerd && !criDockerd && !criDockerdSocket) return null;
  const files = [daemonJson?.source, ...[dockerd, criDockerd, criDockerdSocket].flatMap(unitSources)].filter((f): f is SourceFile => !!f);
  return { files, daemonJson, dockerd, criDockerd, criDockerdSocket };
}

// ---------------------------------------------------------------------------------------------
// Settings

export interface DockerCgroupDriver {
  /** 'systemd' | 'cgroupfs' as written (lower-cased key, trimmed value), null when not set (host-dependent). */
  value: string | null;
  /** The exec-opts item (daemon.json) that sets it. */
  node: ScalarNode | null;
  /** The `--exec-opt` flag that sets it. */
  flag: FlagToken | null;
}

/**
 * `native.cgroupdriver` as dockerd parses exec-opts (parseExecOptions: split at the first `=`, the
 * key lower-cased and trimmed, the value trimmed; the last one wins): from daemon.json `exec-opts`,
 * else from `--exec-opt` on dockerd's command line (both at once stop dockerd: docker-flag-conflict).
 */
/** The driver an exec-opt sets (`native.cgroupdriver=systemd`: key case-insensitive, blanks trimmed), or null for another option. */
function cgroupDriverOpt(raw: string): string | null {
  const i = raw.indexOf('=');
  return i >= 0 && raw.slice(0, i).trim().toLowerCase() === 'native.cgroupdriver' ? raw.slice(i + 1).trim() : null;
}

export function dockerCgroupDriver(model: DockerModel): DockerCgroupDriver {
  const opts = model.daemonJson?.root ? get(model.daemonJson.root, 'exec-opts') : undefined;
  if (opts && opts.kind === 'array') {
    for (let i = opts.items.length - 1; i >= 0; i--) {
      const it = opts.items[i]!;
      if (it.kind === 'scalar' && typeof it.value === 'string') {
        const v = cgroupDriverOpt(it.value);
        if (v !== null) return { value: v, node: it, flag: null };
      }
    }
  }
  const cmd = dockerdCommand(model);
  if (cmd) {
    for (let i = cmd.flags.length - 1; i >= 0; i--) {
      const f = cmd.flags[i]!;
      if (f.name === 'exec-opt' && f.value !== null) {
        const v = cgroupDriverOpt(f.value);
        if (v !== null) return { value: v, node: null, flag: f };
      }
    }
  }
  return { value: null, node: null, flag: null };
}

/**
 * A native.cgroupdriver that daemon.json sets where dockerd does not read it (unknown-key says why):
 * under the flag name `exec-opt` (data DOCKERD_IGNORED_KEYS), or as `exec-opts`/`exec-opt` inside an
 * object the newest dockerd drops (data dockerdDropsObject). The last one in the file; null when
 * there is none.
 */
export function dockerUnreadCgroupDriver(model: DockerModel): { node: ScalarNode; key: string; inside: string | null } | null {
  const root = model.daemonJson?.root;
  if (!root) return null;
  const newest = DOCKERD_KEY_RELEASES[DOCKERD_KEY_RELEASES.length - 1]!.version;
  let found: { node: ScalarNode; key: string; inside: string | null } | null = null;
  const scan = (m: MapNode, inside: string | null) => {
    for (const e of m.entries) {
      if ((e.key === 'exec-opt' || (inside !== null && e.key === 'exec-opts')) && e.value.kind === 'array') {
        for (const it of e.value.items) if (it.kind === 'scalar' && typeof it.value === 'string' && cgroupDriverOpt(it.value) !== null) found = { node: it, key: e.key, inside };
      } else if (inside === null && e.value.kind === 'map' && dockerdDropsObject(e.key, newest)) {
        scan(e.value, e.key);
      }
    }
  };
  scan(root, null);
  return found;
}

export interface CriDockerdEndpoint {
  /** The socket path cri-dockerd serves CRI on. */
  path: string;
  /** What says so: the flag, the socket unit's ListenStream=, or null for a default. */
  flag: FlagToken | null;
  listen: UnitAssignment | null;
  /** How it was decided, for messages. */
  how: 'flag' | 'socket-unit' | 'packaged-socket' | 'default';
}

/**
 * cri-dockerd's socket: `--container-runtime-endpoint` (a unix:// URL or path); `fd://` means socket
 * activation, i.e. cri-docker.socket's ListenStream= (`%t` = /run), or the packaged
 * /run/cri-dockerd.sock when no socket unit is present; without the flag the binary default
 * /var/run/cri-dockerd.sock. null when the endpoint is no unix socket path.
 */
export function criDockerdEndpoint(model: DockerModel): CriDockerdEndpoint | null {
  const cmd = criDockerdCommand(model);
  const flag = flagOf(cmd, 'container-runtime-endpoint');
  const raw = flag?.value ?? null;
  if (raw !== null && raw.startsWith('fd://')) {
    const ls = model.criDockerdSocket ? listSetting(model.criDockerdSocket.files, 'Socket', 'ListenStream') : [];
    const last = ls[ls.length - 1];
    if (last) {
      const path = last.value.replace(/^%t(?=\/)/, '/run');
      return path.startsWith('/') ? { path, flag, listen: last, how: 'socket-unit' } : null;
    }
    return { path: CRI_DOCKERD_SOCKET_UNIT.listen, flag, listen: null, how: 'packaged-socket' };
  }
  const endpoint = raw ?? CRI_DOCKERD_DEFAULT_ENDPOINT;
  const m = /^unix:\/\/(\/.*)$/.exec(endpoint);
  const path = m ? m[1]! : endpoint.startsWith('/') ? endpoint : null;
  if (!path) return null;
  return { path, flag, listen: null, how: flag ? 'flag' : 'default' };
}

/** A node of daemon.json's top level by key. */
export function daemonKey(model: DockerModel, key: string): VNode | undefined {
  return model.daemonJson?.root ? get(model.daemonJson.root, key) : undefined;
}
