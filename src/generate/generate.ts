/**
 * `crilint generate`: the node files for a target (Kubernetes X.Y, containerd X.Y, cgroup driver,
 * image repository), consistent by construction because every value comes from the same data
 * tables the rules read (DESIGN.md "generate: target ─▶ data tables ─▶ model ─▶ emit text"):
 *
 * - etc/containerd/config.toml: the `version` the target containerd reads natively
 *   (defaultConfigVersion), the sandbox image kubeadm expects (expectedPauseImage) at the key of
 *   that version (criKeyPath), runc's SystemdCgroup for the cgroup driver, and — for containerd
 *   1.x only — runc's runtime_type (go-toml v1 replaces the built-in runc entry by the file's
 *   table: with only `options` given, `config dump` of containerd 1.6.20 shows runtime_type "").
 *   Nothing else: every other setting is containerd's default.
 * - var/lib/kubelet/config.yaml: cgroupDriver and containerRuntimeEndpoint (the socket containerd
 *   serves, data CONTAINERD_DEFAULTS.grpcAddress); before 1.27 the endpoint is a flag in
 *   var/lib/kubelet/kubeadm-flags.env (kubeletRuntimeEndpoint).
 * - etc/crictl.yaml: runtime-endpoint, the same socket.
 * - etc/sysctl.d/99-kubernetes-cri.conf (NODE_SYSCTLS) and etc/modules-load.d/k8s.conf
 *   (OVERLAY_MODULE and the modules NODE_SYSCTLS need).
 *
 * With `--runtime cri-o` (target.runtime 'crio') the containerd file is replaced by the CRI-O drop-in
 * etc/crio/crio.conf.d/10-crilint.conf (cgroup_manager, conmon_cgroup "pod" — valid with either
 * manager, data crioMonitorCgroupError — and pause_image); with `--runtime docker` ('cri-dockerd')
 * by etc/docker/daemon.json (exec-opts native.cgroupdriver) and the cri-docker.service drop-in
 * (ExecStart= reset, then the packaged command with --pod-infra-container-image). The kubelet and
 * crictl then dial that runtime's socket (CRIO_DEFAULT_LISTEN, CRI_DOCKERD_SOCKET_UNIT).
 *
 * Each setting carries a short comment saying why it is there. The output is a pure function of
 * the target: same target, same bytes (LF line endings, fixed order, no dates or versions of
 * crilint itself).
 */
import { fmtVersion, parseVersion, type Version } from '../core/version.js';
import { UsageError } from '../cli/errors.js';
import {
  CONFIG_DEFAULT_EMITS,
  criKeyPath,
  defaultConfigVersion,
  defaultSandboxImage,
  kubeletCgroupDriverFromRuntime,
  SYSTEMD_CGROUP_DEFAULT,
  type ConfigVersion,
} from '../data/containerd.js';
import { containerdDefault } from '../data/containerd-defaults.js';
import { CRIO_CGROUP_MANAGER, CRIO_CONFIG_PATH, CRIO_DEFAULT_LISTEN, CRIO_DROPIN_DIR, CRIO_MONITOR_CGROUP, crioDefaultPauseImage, crioForKubernetes, crioMonitorCgroupError } from '../data/crio.js';
import { ASSUMED_CRI_DOCKERD, CRI_DOCKERD_PACKAGED_EXEC, CRI_DOCKERD_SOCKET_UNIT, criDockerdDefaultPause, DOCKER_DAEMON_JSON, DOCKER_UNITS, SYSTEMD_UNIT_DIRS } from '../data/docker.js';
import { NODE_SYSCTLS, OVERLAY_MODULE, OVERLAY_USERS } from '../data/kernel.js';
import { RUNTIME_NAMES } from '../engine/config.js';
import {
  CGROUP_DRIVERS,
  expectedPause,
  expectedPauseImage,
  KUBEADM_DEFAULT_CGROUP_DRIVER,
  KUBELET_DEFAULT_CGROUP_DRIVER,
  KUBEADM_CRI_SOCKETS,
  KUBELET_DEFAULT_RUNTIME_ENDPOINT,
  kubeletRuntimeEndpoint,
  type CgroupDriver,
  type CriRuntime,
} from '../data/kubernetes.js';
import { lineOf } from '../data/lookup.js';
import { CONTAINERD_FOR_KUBERNETES, isSupportedCombo, recommendedContainerd } from '../data/support-matrix.js';
import { CONTAINERD_MINORS, KUBERNETES_MINORS, NEWEST_KUBERNETES } from '../data/versions.js';
import { formatKey, formatString } from '../fix/toml.js';
import { needsQuotes } from '../fix/yaml.js';
import { envLine, formatFlag } from '../fix/lines.js';

export interface GenerateTarget {
  kubernetes: Version;
  /** The node's CRI runtime (`--runtime`, default containerd). */
  runtime: CriRuntime;
  /** The containerd release; only with runtime containerd. */
  containerd?: Version;
  cgroupDriver: CgroupDriver;
  /** `--image-repository`; undefined: kubeadm's default for the Kubernetes version. */
  imageRepository?: string;
}

export interface GeneratedFile {
  /** Path below the node root, `/`-separated (`etc/containerd/config.toml`). */
  path: string;
  text: string;
}

export interface GenerateOptions {
  /** `--runtime`: containerd, cri-o or docker (RUNTIME_NAMES). */
  runtime?: string;
  kubernetes?: string;
  containerd?: string;
  cgroupDriver?: string;
  imageRepository?: string;
}

/** The paths `generate` writes, in output order (kubeadm-flags.env only before Kubernetes 1.27). */
export const GENERATED_PATHS = {
  containerd: 'etc/containerd/config.toml',
  kubelet: 'var/lib/kubelet/config.yaml',
  kubeletFlags: 'var/lib/kubelet/kubeadm-flags.env',
  crictl: 'etc/crictl.yaml',
  sysctl: 'etc/sysctl.d/99-kubernetes-cri.conf',
  modules: 'etc/modules-load.d/k8s.conf',
  crio: `${CRIO_DROPIN_DIR.slice(1)}/10-crilint.conf`,
  dockerDaemon: DOCKER_DAEMON_JSON.slice(1),
  criDockerdDropIn: `${SYSTEMD_UNIT_DIRS[0]!.slice(1)}/${DOCKER_UNITS.criDockerd}.d/10-crilint.conf`,
} as const;

/** The `--runtime` value naming a runtime (RUNTIME_NAMES reversed). */
function runtimeFlag(r: CriRuntime): string {
  return Object.keys(RUNTIME_NAMES).find((k) => RUNTIME_NAMES[k] === r)!;
}

/** How comments name a runtime. */
const RUNTIME_LABEL: Readonly<Record<CriRuntime, string>> = { containerd: 'containerd', crio: 'CRI-O', 'cri-dockerd': 'cri-dockerd' };

const IMAGE_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

function knownLine(flag: string, given: string, lines: readonly string[]): Version {
  const v = parseVersion(given);
  if (!v) throw new UsageError(`--${flag} ${given}: expected a version such as ${lines[lines.length - 1]} or ${lines[lines.length - 1]}.2`);
  if (!lines.includes(lineOf(v))) {
    const product = flag === 'kubernetes' ? 'Kubernetes' : 'containerd';
    throw new UsageError(`--${flag} ${given}: ${product} ${lineOf(v)} is not in crilint's tables; known: ${lines.join(', ')}`);
  }
  return v;
}

/** Releases recommended for a Kubernetes line, as text: `2.3 (2.3.0+), 2.2 (2.2.0+)`. */
function supportedText(k8s: string): string {
  const row = CONTAINERD_FOR_KUBERNETES[k8s as keyof typeof CONTAINERD_FOR_KUBERNETES];
  return row.containerd.map((m) => `${m.split('.').slice(0, 2).join('.')} (${m}+)`).join(', ');
}

/** The containerd lines recommended for a Kubernetes line, newest first. */
export function containerdLinesFor(k8s: string): string[] {
  const row = CONTAINERD_FOR_KUBERNETES[k8s as keyof typeof CONTAINERD_FOR_KUBERNETES];
  return row.containerd.map((m) => m.split('.').slice(0, 2).join('.'));
}

/**
 * The target from the command-line values. Defaults: the newest Kubernetes in the tables, the
 * newest containerd recommended for it, kubeadm's cgroup driver (systemd), kubeadm's image
 * repository. Unknown versions and combinations the support matrix does not recommend are usage
 * errors that list what is supported.
 */
export function resolveGenerateTarget(o: GenerateOptions): GenerateTarget {
  const names = Object.keys(RUNTIME_NAMES);
  if (o.runtime !== undefined && !Object.hasOwn(RUNTIME_NAMES, o.runtime)) throw new UsageError(`--runtime ${o.runtime}: choose one of ${names.join(', ')}`);
  const runtime = o.runtime === undefined ? 'containerd' : RUNTIME_NAMES[o.runtime]!;
  const kubernetes = knownLine('kubernetes', o.kubernetes ?? NEWEST_KUBERNETES, KUBERNETES_MINORS);
  if (runtime !== 'containerd') {
    if (o.containerd !== undefined) throw new UsageError(`--containerd ${o.containerd}: only with --runtime containerd (the default); --runtime ${o.runtime} runs no containerd`);
    return withDriverAndRepository({ kubernetes, runtime }, o);
  }
  const k = lineOf(kubernetes);
  const containerd = o.containerd === undefined ? parseVersion(recommendedContainerd(kubernetes))! : knownLine('containerd', o.containerd, CONTAINERD_MINORS);
  const combo = isSupportedCombo(kubernetes, containerd);
  if (!combo.supported) {
    const why = combo.minimum ? `needs containerd ${combo.minimum} or later in the ${lineOf(containerd)} line` : `is not supported with containerd ${lineOf(containerd)}`;
    throw new UsageError(`Kubernetes ${k} ${why}; containerd releases supported for Kubernetes ${k}: ${supportedText(k)} (containerd RELEASES.md "Kubernetes Support")`);
  }
  return withDriverAndRepository({ kubernetes, runtime, containerd }, o);
}

/** The target with the cgroup driver and image repository of the options (validated). */
function withDriverAndRepository(base: Pick<GenerateTarget, 'kubernetes' | 'runtime' | 'containerd'>, o: GenerateOptions): GenerateTarget {
  let cgroupDriver: CgroupDriver = KUBEADM_DEFAULT_CGROUP_DRIVER.driver;
  if (o.cgroupDriver !== undefined) {
    if (!(CGROUP_DRIVERS as readonly string[]).includes(o.cgroupDriver)) throw new UsageError(`--cgroup-driver ${o.cgroupDriver}: choose one of ${CGROUP_DRIVERS.join(', ')}`);
    cgroupDriver = o.cgroupDriver as CgroupDriver;
  }
  const t: GenerateTarget = { ...base, cgroupDriver };
  if (o.imageRepository !== undefined) {
    if (!IMAGE_REPOSITORY.test(o.imageRepository)) {
      throw new UsageError(`--image-repository ${JSON.stringify(o.imageRepository)}: expected a registry and optional path such as registry.example.com/k8s (no scheme, no tag, no trailing /)`);
    }
    t.imageRepository = o.imageRepository;
  }
  return t;
}

/** The command line that reproduces a target (the first line of every generated file). */
export function commandLine(t: GenerateTarget): string {
  const parts = ['crilint generate'];
  if (t.runtime !== 'containerd') parts.push(`--runtime ${runtimeFlag(t.runtime)}`);
  parts.push(`--kubernetes ${fmtVersion(t.kubernetes)}`);
  if (t.containerd) parts.push(`--containerd ${fmtVersion(t.containerd)}`);
  parts.push(`--cgroup-driver ${t.cgroupDriver}`);
  if (t.imageRepository) parts.push(`--image-repository ${t.imageRepository}`);
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Emitting

interface Setting {
  key: string;
  value: string | boolean | number;
  why: readonly string[];
}

interface Section {
  path: readonly string[];
  settings: Setting[];
}

function comment(lines: readonly string[], indent = ''): string {
  return lines.map((l) => `${indent}# ${l}\n`).join('');
}

function tomlScalar(v: string | boolean | number): string {
  return typeof v === 'string' ? formatString(v, 'basic') : String(v);
}

function emitToml(head: readonly string[], top: Setting[], sections: Section[]): string {
  let out = comment(head);
  for (const s of top) out += `\n${comment(s.why)}${formatKey(s.key)} = ${tomlScalar(s.value)}\n`;
  for (const sec of sections) {
    out += `\n[${sec.path.map((p) => formatKey(p)).join('.')}]\n`;
    sec.settings.forEach((s, i) => {
      out += `${i ? '\n' : ''}${comment(s.why, '  ')}  ${formatKey(s.key)} = ${tomlScalar(s.value)}\n`;
    });
  }
  return out;
}

function yamlScalar(v: string): string {
  return needsQuotes(v) ? JSON.stringify(v) : v;
}

/** Containerd lines reading a config version natively, as text (`2.3`, `1.6 and 1.7`, `2.0–2.2`). */
function linesReading(v: ConfigVersion): string {
  const lines = (Object.keys(CONFIG_DEFAULT_EMITS) as (keyof typeof CONFIG_DEFAULT_EMITS)[]).filter((l) => CONFIG_DEFAULT_EMITS[l] === v);
  if (lines.length <= 2) return lines.join(' and ');
  return `${lines[0]}–${lines[lines.length - 1]}`;
}

/** The containerd release of a containerd target. */
function containerdOf(t: GenerateTarget): Version {
  if (!t.containerd) throw new Error(`a ${t.runtime} target has no containerd release`);
  return t.containerd;
}

/**
 * The CRI socket the kubelet and crictl dial: containerd's default [grpc] address, CRI-O's default
 * [crio.api] listen, or the socket of cri-dockerd's packaged socket unit.
 */
function criEndpoint(t: GenerateTarget): string {
  if (t.runtime === 'crio') {
    const endpoint = `unix://${CRIO_DEFAULT_LISTEN.path}`;
    if (endpoint !== KUBEADM_CRI_SOCKETS.crio) throw new Error(`data tables disagree: CRI-O listens on ${endpoint}, kubeadm expects ${KUBEADM_CRI_SOCKETS.crio}`);
    return endpoint;
  }
  if (t.runtime === 'cri-dockerd') return `unix://${CRI_DOCKERD_SOCKET_UNIT.listen}`;
  const address = containerdDefault(containerdOf(t), 'grpcAddress');
  const endpoint = `unix://${String(address)}`;
  // The kubelet's own default is the same socket; the tables must agree.
  if (endpoint !== KUBELET_DEFAULT_RUNTIME_ENDPOINT) throw new Error(`data tables disagree: containerd listens on ${endpoint}, the kubelet defaults to ${KUBELET_DEFAULT_RUNTIME_ENDPOINT}`);
  return endpoint;
}

function containerdConfig(t: GenerateTarget, head: string): string {
  const containerd = containerdOf(t);
  const c = fmtVersion(containerd);
  const k = fmtVersion(t.kubernetes);
  const v = defaultConfigVersion(containerd);
  const x = lineOf(containerd).startsWith('1.') ? '1.x' : '2.x';
  const versionWhy =
    v === 2
      ? [`Version 2: the newest layout containerd ${linesReading(2)} read (a file without \`version\` is version 1).`]
      : [`Version ${v}: the layout containerd ${linesReading(v)} read${linesReading(v).length > 3 ? '' : 's'} natively (older ones are migrated at every start).`];
  const sandbox = expectedPauseImage(t.kubernetes, t.imageRepository);
  const dflt = defaultSandboxImage(containerd).image;
  const sandboxWhy = [
    `The pause image kubeadm ${k} expects (pause ${expectedPause(t.kubernetes)}); ${dflt === sandbox ? `containerd ${c}'s default too; pinned so a containerd upgrade cannot change it` : `containerd ${c} would use ${dflt}`}.`,
  ];
  const systemd = t.cgroupDriver === 'systemd';
  const cgroupWhy = [
    systemd
      ? `runc uses the systemd cgroup driver, as the kubelet does (cgroupDriver: systemd); the default is ${SYSTEMD_CGROUP_DEFAULT} (cgroupfs).`
      : `runc uses the cgroupfs driver, as the kubelet does (cgroupDriver: cgroupfs); the default too, pinned to keep the two in step.`,
  ];
  if (kubeletCgroupDriverFromRuntime(t.kubernetes, 'containerd', containerd)) cgroupWhy.push(`containerd ${c} reports this driver to kubelet ${k}, which follows it (KubeletCgroupDriverFromCRI).`);

  const sandboxPath = criKeyPath('sandboxImage', v)!;
  const cgroupPath = criKeyPath('systemdCgroup', v)!;
  const typePath = criKeyPath('runtimeType', v)!;
  const sections: Section[] = [{ path: sandboxPath.slice(0, -1), settings: [{ key: sandboxPath[sandboxPath.length - 1]!, value: sandbox, why: sandboxWhy }] }];
  if (x === '1.x') {
    const runtimeType = containerdDefault(containerd, 'runtimeType');
    sections.push({
      path: typePath.slice(0, -1),
      settings: [{ key: typePath[typePath.length - 1]!, value: String(runtimeType), why: [`containerd ${c} replaces its built-in runc entry with this table, so the runtime type is spelled out.`] }],
    });
  }
  sections.push({ path: cgroupPath.slice(0, -1), settings: [{ key: cgroupPath[cgroupPath.length - 1]!, value: systemd, why: cgroupWhy }] });
  return emitToml(
    [head, `containerd ${c} for Kubernetes ${k}: only what differs from containerd's defaults or must stay fixed;`, '`containerd config dump` shows the rest.'],
    [{ key: 'version', value: v, why: versionWhy }],
    sections,
  );
}

/** The runtime with its release, as comments name it (`containerd 2.1`, `CRI-O 1.34`, `cri-dockerd 0.4.1`). */
function runtimeText(t: GenerateTarget): string {
  if (t.runtime === 'crio') return `CRI-O ${fmtVersion(crioForKubernetes(t.kubernetes))}`;
  if (t.runtime === 'cri-dockerd') return `cri-dockerd ${ASSUMED_CRI_DOCKERD.version}`;
  return `containerd ${fmtVersion(containerdOf(t))}`;
}

function kubeletConfig(t: GenerateTarget, head: string): string {
  const k = fmtVersion(t.kubernetes);
  const label = RUNTIME_LABEL[t.runtime];
  const ep = kubeletRuntimeEndpoint(t.kubernetes);
  let out = comment([head, `KubeletConfiguration for Kubernetes ${k} with ${runtimeText(t)}: only what must match ${label};`, 'the kubelet defaults apply to the rest.']);
  out += 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n';
  const uses =
    t.runtime === 'crio'
      ? `The cgroup manager CRI-O uses (cgroup_manager = "${t.cgroupDriver}" in ${GENERATED_PATHS.crio})`
      : t.runtime === 'cri-dockerd'
        ? `The cgroup driver dockerd uses (native.cgroupdriver=${t.cgroupDriver} in daemon.json)`
        : `The cgroup driver runc uses (SystemdCgroup = ${t.cgroupDriver === 'systemd'} in containerd's config)`;
  out += comment([`${uses}; the kubelet's default is ${KUBELET_DEFAULT_CGROUP_DRIVER}.`]) + `cgroupDriver: ${t.cgroupDriver}\n`;
  if (ep.configField) {
    const endpoint = criEndpoint(t);
    out += comment([
      endpoint === KUBELET_DEFAULT_RUNTIME_ENDPOINT
        ? `${label}'s CRI socket; also the kubelet's default, pinned so that the two cannot drift apart.`
        : `${label}'s CRI socket; the kubelet's default is containerd's (${KUBELET_DEFAULT_RUNTIME_ENDPOINT}).`,
    ]);
    out += `containerRuntimeEndpoint: ${yamlScalar(endpoint)}\n`;
  }
  return out;
}

function kubeletFlags(t: GenerateTarget, head: string): string {
  const k = fmtVersion(t.kubernetes);
  return (
    comment([head, `Kubernetes ${k} has no containerRuntimeEndpoint field and no default: the endpoint is a flag.`]) +
    envLine('KUBELET_KUBEADM_ARGS', [formatFlag('container-runtime-endpoint', criEndpoint(t))]) +
    '\n'
  );
}

function crictlConfig(t: GenerateTarget, head: string): string {
  return (
    comment([head, `crictl talks to ${RUNTIME_LABEL[t.runtime]}'s CRI socket, as the kubelet does; without runtime-endpoint it tries`, 'a list of sockets and warns. Images go through the same endpoint (no image-endpoint).']) +
    `runtime-endpoint: ${yamlScalar(criEndpoint(t))}\n`
  );
}

function sysctlConfig(head: string): string {
  let out = comment([head, `Kernel settings of a Kubernetes node; the net.bridge.* keys exist once br_netfilter is loaded (${GENERATED_PATHS.modules}).`]);
  for (const s of NODE_SYSCTLS) out += `${comment([s.why])}${s.key} = ${s.value}\n`;
  return out;
}

/** `net.bridge.` for net.bridge.bridge-nf-call-iptables and …-ip6tables (up to the last dot). */
function commonPrefix(keys: readonly string[]): string {
  let p = keys[0] ?? '';
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, -1);
  return p.slice(0, p.lastIndexOf('.') + 1);
}

function modulesConfig(t: GenerateTarget, head: string): string {
  let out = comment([head]);
  out += comment([`${OVERLAY_MODULE.module}: ${OVERLAY_USERS[t.runtime].what} mounts overlay file systems.`]) + `${OVERLAY_MODULE.module}\n`;
  for (const m of [...new Set(NODE_SYSCTLS.flatMap((s) => (s.module ? [s.module] : [])))]) {
    const keys = NODE_SYSCTLS.filter((s) => s.module === m).map((s) => s.key);
    const prefix = commonPrefix(keys);
    out += comment([`${m}: creates the ${keys.length > 1 ? `${prefix}* keys` : keys[0]} set in ${GENERATED_PATHS.sysctl}.`]) + `${m}\n`;
  }
  return out;
}

/** The CRI-O drop-in: the cgroup manager, the conmon cgroup and the pause image. */
function crioConfig(t: GenerateTarget, head: string): string {
  const k = fmtVersion(t.kubernetes);
  const crio = crioForKubernetes(t.kubernetes);
  const o = `CRI-O ${fmtVersion(crio)}`;
  const manager = t.cgroupDriver;
  const managerWhy = [
    `The cgroup manager the kubelet uses (cgroupDriver: ${manager}); ${manager === CRIO_CGROUP_MANAGER.default ? `${o}'s default too, pinned to keep the two in step` : `${o}'s default is ${CRIO_CGROUP_MANAGER.default}`}.`,
  ];
  if (kubeletCgroupDriverFromRuntime(t.kubernetes, 'crio', crio)) managerWhy.push(`${o} reports this driver to kubelet ${k}, which follows it (KubeletCgroupDriverFromCRI).`);
  const conmon = CRIO_MONITOR_CGROUP.pod;
  const refused = crioMonitorCgroupError(manager, conmon);
  if (refused) throw new Error(`data tables disagree: CRI-O refuses conmon_cgroup ${conmon} with ${manager}: ${refused}`);
  const conmonWhy = [`conmon runs in the pod's cgroup: valid with both cgroup managers (CRI-O refuses a .slice with cgroupfs), so it stays valid if cgroup_manager changes.`];
  const pause = expectedPauseImage(t.kubernetes, t.imageRepository);
  const dflt = crioDefaultPauseImage(crio);
  const pauseWhy = [
    `The pause image kubeadm ${k} expects (pause ${expectedPause(t.kubernetes)}); ${dflt === pause ? `${o}'s default too; pinned so a CRI-O upgrade cannot change it` : `${o} would use ${dflt}`}.`,
  ];
  return emitToml(
    [head, `${o} for Kubernetes ${k}: only what must match the kubelet or stay fixed; CRI-O reads this file`, `after ${CRIO_CONFIG_PATH} and the files sorting before it in ${CRIO_DROPIN_DIR} (later files win).`],
    [],
    [
      { path: ['crio', 'runtime'], settings: [{ key: 'cgroup_manager', value: manager, why: managerWhy }, { key: 'conmon_cgroup', value: conmon, why: conmonWhy }] },
      { path: ['crio', 'image'], settings: [{ key: 'pause_image', value: pause, why: pauseWhy }] },
    ],
  );
}

/** dockerd's daemon.json: the cgroup driver (strict JSON: no comments). */
function dockerDaemonJson(t: GenerateTarget): string {
  return `${JSON.stringify({ 'exec-opts': [`native.cgroupdriver=${t.cgroupDriver}`] }, null, 2)}\n`;
}

/** The cri-docker.service drop-in: ExecStart= cleared, then the packaged command with the pause image. */
function criDockerdDropIn(t: GenerateTarget, head: string): string {
  const k = fmtVersion(t.kubernetes);
  const pause = expectedPauseImage(t.kubernetes, t.imageRepository);
  const dflt = criDockerdDefaultPause(parseVersion(ASSUMED_CRI_DOCKERD.version)!);
  const command = [CRI_DOCKERD_PACKAGED_EXEC.binary, formatFlag('container-runtime-endpoint', CRI_DOCKERD_PACKAGED_EXEC.endpoint), formatFlag('pod-infra-container-image', pause)].join(' ');
  return (
    comment([head, 'cri-dockerd has no configuration file: its settings are flags of its command.']) +
    '[Service]\n' +
    comment([
      'An empty ExecStart= clears the packaged command; the next one is the packaged command (socket',
      `activation: cri-docker.socket listens on ${CRI_DOCKERD_SOCKET_UNIT.listen}) with the pause image kubeadm ${k} expects`,
      `(pause ${expectedPause(t.kubernetes)}); ${dflt === pause ? `cri-dockerd ${ASSUMED_CRI_DOCKERD.version}'s default too, pinned so an upgrade cannot change it` : `cri-dockerd ${ASSUMED_CRI_DOCKERD.version} would use ${dflt}`}.`,
    ]) +
    'ExecStart=\n' +
    `ExecStart=${command}\n`
  );
}

/** The runtime's own files. */
function runtimeFiles(t: GenerateTarget, head: string): GeneratedFile[] {
  if (t.runtime === 'crio') return [{ path: GENERATED_PATHS.crio, text: crioConfig(t, head) }];
  if (t.runtime === 'cri-dockerd') {
    return [
      { path: GENERATED_PATHS.dockerDaemon, text: dockerDaemonJson(t) },
      { path: GENERATED_PATHS.criDockerdDropIn, text: criDockerdDropIn(t, head) },
    ];
  }
  return [{ path: GENERATED_PATHS.containerd, text: containerdConfig(t, head) }];
}

/** The generated files for a target, in output order. */
export function generate(t: GenerateTarget): GeneratedFile[] {
  const head = `Generated by \`${commandLine(t)}\`.`;
  const files: GeneratedFile[] = [...runtimeFiles(t, head), { path: GENERATED_PATHS.kubelet, text: kubeletConfig(t, head) }];
  if (kubeletRuntimeEndpoint(t.kubernetes).flagRequired) files.push({ path: GENERATED_PATHS.kubeletFlags, text: kubeletFlags(t, head) });
  files.push({ path: GENERATED_PATHS.crictl, text: crictlConfig(t, head) }, { path: GENERATED_PATHS.sysctl, text: sysctlConfig(head) }, { path: GENERATED_PATHS.modules, text: modulesConfig(t, head) });
  return files;
}

/** Every supported (Kubernetes line, containerd line) pair of the given Kubernetes lines. */
export function supportedPairs(kubernetesLines: readonly string[]): { kubernetes: string; containerd: string }[] {
  return kubernetesLines.flatMap((k) => containerdLinesFor(k).map((c) => ({ kubernetes: k, containerd: c })));
}
