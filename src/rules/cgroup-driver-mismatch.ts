/**
 * cgroup-driver-mismatch: the kubelet's cgroup driver against runc's in containerd.
 *
 * - Kubelet side: `cgroupDriver` (v1beta1 default `cgroupfs`), overridden by `--cgroup-driver`
 *   (kubeletSetting: flag > config file > default).
 * - Runtime side: `SystemdCgroup` of the runc runtime containerd would report (runcRuntimes:
 *   default runtime first), false when unset.
 * - The kubelet takes the driver from the runtime — and ignores its own — when the gate
 *   KubeletCgroupDriverFromCRI is on (beta, on by default from 1.31; locked from 1.34) and the
 *   runtime answers CRI RuntimeConfig (containerd ≥ 2.0): data kubeletCgroupDriverFromRuntime,
 *   reference kubelet-kubeadm.md §3.1. Then a disagreement is only misleading (info); otherwise
 *   pods get cgroups in the wrong place (error).
 * - Not compared when the target containerd refuses the config version (config-version-unsupported).
 * - Every other runc runtime must use the driver the kubelet ends up with: pods of that
 *   RuntimeClass break otherwise (containerd docs/cri/config.md "Cgroup Driver").
 * Fix: systemd on both sides, in one atomic fix over config.toml and the kubelet's file. Unsafe
 * (the kubeadm docs: changing a joined node's cgroup driver is a sensitive operation), except when
 * the only change is the kubelet's ignored value and containerd already runs systemd: then nothing
 * changes on the node and the fix is safe. Another runc runtime: its SystemdCgroup set to the
 * kubelet's driver (unsafe).
 *
 * CRI-O: `[crio.runtime] cgroup_manager` of the merged crio.conf + crio.conf.d (default systemd,
 * data CRIO_CGROUP_MANAGER), with the same version logic: CRI-O answers RuntimeConfig from 1.28
 * (data RUNTIME_CONFIG_SINCE.crio) and its release is the Kubernetes minor (crioForKubernetes).
 * The fix sets cgroup_manager = "systemd" (every conmon_cgroup that cgroupfs accepts — pod, empty,
 * system.slice — systemd accepts too) and cgroupDriver: systemd, with the same safety.
 * On a node with both runtimes configured, only the one the kubelet dials is checked
 * (shared/endpoints.ts kubeletRuntime); containerd-only nodes are checked as before.
 *
 * Docker + cri-dockerd: Docker's `native.cgroupdriver` (daemon.json exec-opts, else dockerd's
 * --exec-opt). cri-dockerd answers RuntimeConfig from 0.3.17; no file says which cri-dockerd runs,
 * so the newest (data ASSUMED_CRI_DOCKERD) is assumed and the message says so. Unset, Docker picks
 * systemd on a cgroup v2 host booted with systemd and cgroupfs otherwise (data DOCKER_CGROUP_DRIVER):
 * a warning while the kubelet does not take the driver from cri-dockerd, nothing once it does. The
 * fix sets the exec-opts item to systemd (and the kubelet), unsafe.
 */
import type { FileChange, RelatedLocation } from '../core/types.js';
import { fmtVersion, type Version } from '../core/version.js';
import { kubeletCgroupDriverFromRuntime, RUNTIME_CONFIG_SINCE } from '../data/containerd.js';
import { CRIO_CGROUP_MANAGER, CRIO_CLI_SETTINGS, crioForKubernetes } from '../data/crio.js';
import { ASSUMED_CRI_DOCKERD } from '../data/docker.js';
import { ver } from '../data/lookup.js';
import { atLeastLoose } from '../data/lookup.js';
import { fileStart } from '../core/source.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { FixBuildError, lines, makeFix, toml, tryFix, yaml } from '../fix/index.js';
import { criView } from '../model/containerd.js';
import { crioSettings, crioSettingSpot, crioSettingText } from '../model/crio.js';
import { crioSetTo } from './shared/crio.js';
import { dockerCgroupDriver, dockerUnreadCgroupDriver } from '../model/docker.js';
import { kubeletSetting, type KubeletModel, type KubeletSetting } from '../model/kubelet.js';
import { CRI_V2_IDS, droppedKey } from './shared/import-drops.js';
import { checksContainerd, checksRuntime, containerdAcceptsVersion, criDockerdSocket, crioSocket, mergeMode } from './shared/endpoints.js';
import { effectiveGate, insertionDoc, kubeletKnown, kubeletVersion, settingRelated } from './shared/kubelet-settings.js';
import { addRuncRuntime, describeSystemdCgroup, driverOf, driverSpot, implicitSpot, nodeSpot, runcRuntimes, setSystemdCgroup, type CgroupDriver } from './shared/runc.js';

const GATE = 'KubeletCgroupDriverFromCRI';

function kubeletDescription(s: KubeletSetting): string {
  if (s.flag) return `--cgroup-driver=${s.flag.value ?? ''}`;
  if (s.origin === 'config') return `cgroupDriver: ${String(s.value)}`;
  return 'cgroupDriver is not set; it defaults to cgroupfs';
}

/** The kubelet-side change of the cgroup driver (the winning flag, the winning node, or a new key). */
function kubeletTo(model: KubeletModel, s: KubeletSetting, driver: CgroupDriver): FileChange | null {
  if (s.flag) return s.flag.valueFile === s.flag.file ? lines.setFlag(s.flag.file, s.flag.range, 'cgroup-driver', driver) : null;
  if (s.node) return s.node.kind === 'scalar' ? yaml.setValue(s.node, driver) : null;
  const doc = insertionDoc(model);
  return doc ? yaml.insertKey(doc.root, 'cgroupDriver', driver) : null;
}

export default defineRule({
  meta: {
    id: 'cgroup-driver-mismatch',
    description: "The kubelet's cgroupDriver and the runtime's cgroup driver (containerd's runc SystemdCgroup, CRI-O's cgroup_manager, Docker's native.cgroupdriver) must agree",
    severity: 'error',
    files: ['containerd', 'crio', 'docker', 'systemd-unit', 'kubelet', 'kubelet-flags'],
    fixable: 'unsafe',
  },
  check(ctx) {
    checkCrio(ctx);
    checkDocker(ctx);
    const { node, target } = ctx;
    const model = node.containerd;
    const kubelet = node.kubelet;
    if (!model || !model.main.root || !kubeletKnown(kubelet) || !checksContainerd(node, target)) return;
    const mode = mergeMode(target);
    const view = criView(model, mode);
    if (view.criDisabledBy.length) return; // no CRI service: cri-plugin-disabled
    if (!containerdAcceptsVersion(view, target)) return; // containerd does not start: config-version-unsupported
    const k8s = kubeletVersion(target);
    const setting = kubeletSetting(kubelet, 'cgroupDriver', undefined, k8s);
    // Flags alone (no config document) say nothing about cgroupDriver unless they set it.
    if (!setting.flag && !kubelet.config && !kubelet.dropIns.length) return;
    const kubeletDriver = setting.value;
    if (kubeletDriver !== 'systemd' && kubeletDriver !== 'cgroupfs') return; // invalid-value
    const { primary, builtin, others, broken } = runcRuntimes(view, mode);
    if (broken || (!primary && !builtin)) return; // the CRI plugin does not load, or no runc runtime sets a driver
    const runtimeDriver: CgroupDriver = primary ? driverOf(primary) : 'cgroupfs';
    const gate = effectiveGate(kubelet, k8s, GATE);
    const fromRuntime = kubeletCgroupDriverFromRuntime(k8s, 'containerd', target.containerd, gate);
    const effective: CgroupDriver = fromRuntime ? runtimeDriver : kubeletDriver;
    const k = fmtVersion(target.kubernetes);
    const c = fmtVersion(target.containerd);
    const kubeletRelated = (msg: string): RelatedLocation[] => settingRelated(kubelet, setting, msg);
    const kDesc = kubeletDescription(setting);

    // A SystemdCgroup that an import's CRI table drops (1.x): say so, it is why the default applies.
    const lost = primary?.systemdCgroup.node ? null : droppedKey(model, target, CRI_V2_IDS, ['containerd', 'runtimes', primary?.name ?? 'runc', 'options', 'SystemdCgroup']);
    const lostText = lost ? `; the SystemdCgroup of ${lost.node.file.display} is dropped, as an import replaces the whole CRI table` : '';
    const runtimeText = primary
      ? `containerd runs runc${primary.name !== 'runc' ? ` (runtime "${primary.name}")` : ''} with ${runtimeDriver} (${describeSystemdCgroup(primary)}${lostText})`
      : `containerd runs its built-in runc runtime with cgroupfs (no runtime "runc" is configured; ${describeSystemdCgroup(null)}${lostText})`;
    const spot = primary ? driverSpot(primary) : implicitSpot(model, view);

    if (runtimeDriver !== kubeletDriver) {
      let message: string;
      if (fromRuntime) {
        message =
          `the kubelet's cgroup driver (${kDesc}) is ignored: Kubernetes ${k} takes it from containerd ${c} (CRI RuntimeConfig, ${GATE}), and ${runtimeText}; ` +
          (runtimeDriver === 'systemd'
            ? "set the kubelet's cgroupDriver to systemd so the files say what the node does"
            : 'the node runs with cgroupfs: set SystemdCgroup = true (systemd is the recommended driver on systemd hosts), or cgroupDriver: cgroupfs so the files say what the node does');
      } else {
        const why = notFromRuntime(gate, k8s, k, `containerd ${c}`, 'containerd 2.0');
        message =
          `${runtimeText}, but the kubelet uses ${kubeletDriver} (${kDesc}): ${why}; ` +
          'pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (SystemdCgroup = true, cgroupDriver: systemd)';
      }
      // Fix: systemd on both sides. Safe only when the one change is the kubelet's ignored value.
      let fix;
      try {
        const changes: FileChange[] = [];
        if (runtimeDriver !== 'systemd') {
          const ch = primary ? setSystemdCgroup(model, mode, primary, true) : addRuncRuntime(model, view, target.containerd, true);
          if (ch) changes.push(ch);
        }
        if (kubeletDriver !== 'systemd') {
          const ch = kubeletTo(kubelet, setting, 'systemd');
          if (ch) changes.push(ch);
        }
        const complete = changes.length === (runtimeDriver !== 'systemd' ? 1 : 0) + (kubeletDriver !== 'systemd' ? 1 : 0);
        const safe = fromRuntime && runtimeDriver === 'systemd';
        if (complete) {
          fix = safe
            ? makeFix('safe', "set the kubelet's cgroupDriver to systemd, the driver it takes from containerd", changes)
            : makeFix('unsafe', 'use the systemd cgroup driver in containerd (SystemdCgroup = true) and the kubelet (cgroupDriver: systemd)', changes);
        }
      } catch (e) {
        if (!(e instanceof FixBuildError)) throw e;
      }
      ctx.report({
        ...spot,
        severity: fromRuntime ? 'info' : 'error',
        message,
        related: [
          ...kubeletRelated(setting.origin === 'default' && !setting.flag ? kDesc : `the kubelet's ${kDesc}`),
          ...(lost ? [{ file: lost.node.file, range: { start: lost.keyRange.start, end: lost.node.range.end }, message: 'SystemdCgroup is set here and dropped (containerd-import-replaces-table)' }] : []),
        ],
        ...(fix ? { fix } : {}),
      });
    }

    // Every other runc runtime must use the driver the kubelet ends up with.
    const primaryName = primary ? `runtime "${primary.name}"` : 'the built-in runc runtime';
    for (const r of others) {
      const d = driverOf(r);
      if (d === effective) continue;
      const source = fromRuntime ? `taken from ${primaryName}` : kDesc;
      const related: RelatedLocation[] = fromRuntime
        ? [{ ...spot, message: `${primaryName} (${describeSystemdCgroup(primary)}): the kubelet takes its driver from here` }]
        : kubeletRelated(`the kubelet's ${kDesc}`);
      let fix;
      try {
        const ch = setSystemdCgroup(model, mode, r, effective === 'systemd');
        if (ch) fix = makeFix('unsafe', `set SystemdCgroup = ${effective === 'systemd'} in runtime "${r.name}"`, ch);
      } catch (e) {
        if (!(e instanceof FixBuildError)) throw e;
      }
      ctx.report({
        ...driverSpot(r),
        message:
          `runtime "${r.name}" runs runc with ${d} (${describeSystemdCgroup(r)}), but the kubelet uses ${effective} (${source}): ` +
          `pods that use this runtime (RuntimeClass handler "${r.name}") get cgroups in the wrong place and fail to start; set SystemdCgroup = ${effective === 'systemd'}`,
        related,
        ...(fix ? { fix } : {}),
      });
    }
  },
});

/** Why the kubelet does not take the driver from the runtime (the runtime answers RuntimeConfig from `since`). */
function notFromRuntime(gate: boolean, k8s: Version, k: string, runtime: string, since: string): string {
  if (!gate)
    return atLeastLoose(k8s, '1.31')
      ? `the ${GATE} feature gate is disabled, so the kubelet does not take the driver from the runtime`
      : `the kubelet of Kubernetes ${k} does not take the driver from the runtime (${GATE} is on by default from 1.31)`;
  return `${runtime} does not report its cgroup driver to the kubelet (CRI RuntimeConfig needs ${since})`;
}

/**
 * The kubelet's side of the comparison: its cgroup driver setting, when the node's kubelet files say
 * something about it (flags alone say nothing unless they set it) and it is a valid driver.
 */
function kubeletSide(ctx: RuleContext): { kubelet: KubeletModel; k8s: Version; setting: KubeletSetting; kubeletDriver: CgroupDriver } | null {
  const kubelet = ctx.node.kubelet;
  if (!kubeletKnown(kubelet)) return null;
  const k8s = kubeletVersion(ctx.target);
  const setting = kubeletSetting(kubelet, 'cgroupDriver', undefined, k8s);
  if (!setting.flag && !kubelet.config && !kubelet.dropIns.length) return null;
  const kubeletDriver = setting.value;
  if (kubeletDriver !== 'systemd' && kubeletDriver !== 'cgroupfs') return null; // invalid-value
  return { kubelet, k8s, setting, kubeletDriver };
}

/** The kubelet against CRI-O's cgroup_manager (see the module comment). */
function checkCrio(ctx: RuleContext): void {
  const { node, target } = ctx;
  const model = node.crio;
  const side = model && crioSocket(node) && checksRuntime(node, target, 'crio') ? kubeletSide(ctx) : null;
  if (!model || !side) return;
  const { kubelet, k8s, setting, kubeletDriver } = side;
  const s = crioSettings(model);
  const mgr = s.cgroupManager;
  const crioDriver = mgr.value ?? CRIO_CGROUP_MANAGER.default;
  if ((crioDriver !== 'systemd' && crioDriver !== 'cgroupfs') || crioDriver === kubeletDriver) return;
  const crio = crioForKubernetes(k8s);
  const gate = effectiveGate(kubelet, k8s, GATE);
  const fromRuntime = kubeletCgroupDriverFromRuntime(k8s, 'crio', crio, gate);
  const k = fmtVersion(target.kubernetes);
  const c = `CRI-O ${fmtVersion(crio)}`;
  const kDesc = kubeletDescription(setting);
  const how = crioSettingText(mgr, 'cgroup_manager') ?? `cgroup_manager is not set; it defaults to ${CRIO_CGROUP_MANAGER.default}`;
  const runtimeText = `CRI-O runs with the ${crioDriver} cgroup manager (${how})`;
  const crioSystemd = mgr.cli ? (mgr.cli.kind === 'flag' ? `--${CRIO_CLI_SETTINGS.cgroupManager.flag}=systemd` : `${CRIO_CLI_SETTINGS.cgroupManager.env}=systemd`) : 'cgroup_manager = "systemd"';
  const table = s.tables.runtime;
  const first = model.configFiles.find((f) => f.root)!.source;
  const spot = crioSettingSpot(mgr) ?? (table && !table.implicit ? nodeSpot(table) : { file: first, range: fileStart(first) });
  let message: string;
  if (fromRuntime) {
    message =
      `the kubelet's cgroup driver (${kDesc}) is ignored: Kubernetes ${k} takes it from ${c} (CRI RuntimeConfig, ${GATE}), and ${runtimeText}; ` +
      (crioDriver === 'systemd'
        ? "set the kubelet's cgroupDriver to systemd so the files say what the node does"
        : `the node runs with cgroupfs: set ${crioSystemd} (the recommended driver on systemd hosts), or cgroupDriver: cgroupfs so the files say what the node does`);
  } else {
    message =
      `${runtimeText}, but the kubelet uses ${kubeletDriver} (${kDesc}): ${notFromRuntime(gate, k8s, k, c, `CRI-O ${RUNTIME_CONFIG_SINCE.crio.since.replace(/\.0$/, '')}`)}; ` +
      `pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (${crioSystemd}, cgroupDriver: systemd)`;
  }
  const fix = tryFix(() => {
    const changes: FileChange[] = [];
    // CRI-O's side: where the driver is decided (its command line, else the files).
    const crioSide = crioDriver !== 'systemd' ? crioSetTo(mgr, CRIO_CLI_SETTINGS.cgroupManager.flag, 'systemd') : [];
    if (crioDriver !== 'systemd' && crioSide.length === 0) return undefined;
    changes.push(...crioSide);
    if (kubeletDriver !== 'systemd') {
      const ch = kubeletTo(kubelet, setting, 'systemd');
      if (!ch) return undefined;
      changes.push(ch);
    }
    return fromRuntime && crioDriver === 'systemd'
      ? makeFix('safe', "set the kubelet's cgroupDriver to systemd, the driver it takes from CRI-O", changes)
      : makeFix('unsafe', `use the systemd cgroup driver in CRI-O (${crioSystemd}) and the kubelet (cgroupDriver: systemd)`, changes);
  });
  ctx.report({
    ...spot,
    severity: fromRuntime ? 'info' : 'error',
    message,
    related: settingRelated(kubelet, setting, setting.origin === 'default' && !setting.flag ? kDesc : `the kubelet's ${kDesc}`),
    ...(fix ? { fix } : {}),
  });
}

/** The kubelet against Docker's cgroup driver, on a cri-dockerd node (see the module comment). */
function checkDocker(ctx: RuleContext): void {
  const { node, target } = ctx;
  const model = node.docker;
  const side = model && criDockerdSocket(node) && checksRuntime(node, target, 'cri-dockerd') ? kubeletSide(ctx) : null;
  if (!model || !side) return;
  const { kubelet, k8s, setting, kubeletDriver } = side;
  const d = dockerCgroupDriver(model);
  const cd = `cri-dockerd ${ASSUMED_CRI_DOCKERD.version} (assumed: the newest crilint knows)`;
  const gate = effectiveGate(kubelet, k8s, GATE);
  const fromRuntime = kubeletCgroupDriverFromRuntime(k8s, 'cri-dockerd', ver(ASSUMED_CRI_DOCKERD.version), gate);
  const k = fmtVersion(target.kubernetes);
  const kDesc = kubeletDescription(setting);
  const related = settingRelated(kubelet, setting, setting.origin === 'default' && !setting.flag ? kDesc : `the kubelet's ${kDesc}`);
  const json = model.daemonJson;
  const at = d.node ? { file: d.node.file, range: d.node.range } : d.flag ? { file: d.flag.file, range: d.flag.range } : json ? { file: json.source, range: fileStart(json.source) } : null;
  if (d.value === null) {
    if (fromRuntime || !at) return; // the kubelet follows Docker, whatever the host makes it
    const unread = dockerUnreadCgroupDriver(model);
    const where = !unread ? '' : unread.inside ? `"${unread.key}" inside "${unread.inside}", an object dockerd does not read` : `"${unread.key}", the name of the --exec-opt flag, which dockerd does not read as a key`;
    ctx.report({
      ...(unread ? { file: unread.node.file, range: unread.node.range } : at),
      severity: 'warning',
      message:
        `Docker's cgroup driver is not set (${unread ? `${unread.node.raw} is in ${where}` : 'no native.cgroupdriver in exec-opts'}): dockerd uses systemd on a cgroup v2 host booted with systemd and cgroupfs on cgroup v1, and the kubelet uses ${kubeletDriver} (${kDesc}) because ` +
        `${notFromRuntime(gate, k8s, k, cd, 'cri-dockerd 0.3.17')}; set "exec-opts": ["native.cgroupdriver=${kubeletDriver}"] in daemon.json so both sides are known to agree`,
      related,
    });
    return;
  }
  const dockerDriver = d.value;
  if ((dockerDriver !== 'systemd' && dockerDriver !== 'cgroupfs') || dockerDriver === kubeletDriver || !at) return;
  const how = d.node ? `exec-opts ${d.node.raw}` : `--exec-opt ${d.flag!.value}`;
  const runtimeText = `Docker runs with the ${dockerDriver} cgroup driver (${how})`;
  const message = fromRuntime
    ? `the kubelet's cgroup driver (${kDesc}) is ignored: Kubernetes ${k} takes it from ${cd} (CRI RuntimeConfig, ${GATE}), and ${runtimeText}; ` +
      (dockerDriver === 'systemd' ? "set the kubelet's cgroupDriver to systemd so the files say what the node does" : 'the node runs with cgroupfs: set native.cgroupdriver=systemd (the recommended driver on systemd hosts), or cgroupDriver: cgroupfs so the files say what the node does')
    : `${runtimeText}, but the kubelet uses ${kubeletDriver} (${kDesc}): ${notFromRuntime(gate, k8s, k, cd, 'cri-dockerd 0.3.17')}; ` +
      'pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (native.cgroupdriver=systemd, cgroupDriver: systemd)';
  const fix = tryFix(() => {
    const changes: FileChange[] = [];
    if (dockerDriver !== 'systemd') {
      if (!d.node) return undefined;
      changes.push(yaml.setValue(d.node, 'native.cgroupdriver=systemd'));
    }
    if (kubeletDriver !== 'systemd') {
      const ch = kubeletTo(kubelet, setting, 'systemd');
      if (!ch) return undefined;
      changes.push(ch);
    }
    return fromRuntime && dockerDriver === 'systemd'
      ? makeFix('safe', "set the kubelet's cgroupDriver to systemd, the driver it takes from cri-dockerd", changes)
      : makeFix('unsafe', 'use the systemd cgroup driver in Docker (native.cgroupdriver=systemd) and the kubelet (cgroupDriver: systemd)', changes);
  });
  ctx.report({ ...at, severity: fromRuntime ? 'info' : 'error', message, related, ...(fix ? { fix } : {}) });
}
