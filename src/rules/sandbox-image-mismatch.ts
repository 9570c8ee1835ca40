/**
 * sandbox-image-mismatch: containerd's sandbox (pause) image against what kubeadm expects for the
 * target Kubernetes, and against the kubelet's `--pod-infra-container-image` while that flag
 * still has an effect.
 *
 * - containerd: v2 `sandbox_image`, v3+ `pinned_images.sandbox` (criView), or the release default
 *   (data defaultSandboxImage). Only the tag is compared with kubeadm's PauseVersion (data
 *   expectedPause), so private mirrors are fine. kubeadm ≥ 1.27 warns "detected that the sandbox
 *   image … of the container runtime is inconsistent with that used by kubeadm" (reference
 *   kubelet-kubeadm.md §4.2), and the node then keeps two pause images.
 * - `--pod-infra-container-image` only told the kubelet's image garbage collector which image to
 *   spare; it has no effect from ~1.31 and is removed in 1.35 (data kubeletFlagStatus; the removed
 *   flag is `invalid-value`'s). While it works, it must name the image containerd runs sandboxes with.
 * Fix (safe): the expected tag on containerd's image (the key is added when unset); the flag set
 * to the image containerd uses (with the expected tag).
 *
 * CRI-O: `[crio.image] pause_image` of the merged crio.conf + crio.conf.d, or CRI-O's default for
 * its release (data crioDefaultPauseImage; the release is the Kubernetes minor), the same way; an
 * unset key is added to the [crio.image] table of the last file that has a [crio…] table. On a
 * node with both runtimes, only the one the kubelet dials is checked.
 *
 * cri-dockerd: `--pod-infra-container-image` on its ExecStart= (unit and drop-ins), else its default
 * for the assumed release (data criDockerdDefaultPause, ASSUMED_CRI_DOCKERD: pause 3.10); the fix
 * rewrites the flag; for an unset flag it adds the drop-in etc/systemd/system/cri-docker.service.d/
 * 99-crilint-pause.conf, which clears ExecStart= and repeats the command with the flag (not when a
 * drop-in that sorts after it exists: that one would win).
 */
import { join, posix } from 'node:path';
import type { FileChange, RelatedLocation } from '../core/types.js';
import { fileStart } from '../core/source.js';
import { fmtVersion, type Version } from '../core/version.js';
import { criKeyPath, defaultSandboxImage, maxConfigVersion, type ConfigVersion } from '../data/containerd.js';
import { expectedPause, expectedPauseImage } from '../data/kubernetes.js';
import { kubeletFlagStatus } from '../data/kubelet-flags.js';
import { CRIO_CLI_SETTINGS, crioDefaultPauseImage, crioForKubernetes } from '../data/crio.js';
import { ASSUMED_CRI_DOCKERD, criDockerdDefaultPause } from '../data/docker.js';
import { ver } from '../data/lookup.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { FixBuildError, lines, makeFix, toml, tryFix } from '../fix/index.js';
import { crioSettings, crioSettingSpot, crioSettingText } from '../model/crio.js';
import { crioSetTo } from './shared/crio.js';
import { flagOf } from '../model/units.js';
import { criDockerdCommand } from '../model/docker.js';
import { criView, type ContainerdModel, type CriView } from '../model/containerd.js';
import { kubeletFlag } from '../model/kubelet.js';
import type { MapNode } from '../model/tree.js';
import { CRI_V2_IDS, droppedKey } from './shared/import-drops.js';
import { checksContainerd, checksRuntime, containerdAcceptsVersion, criDockerdSocket, crioSocket, mergeMode } from './shared/endpoints.js';
import { flagValuePlace, kubeletVersion } from './shared/kubelet-settings.js';
import { nodeSpot } from './shared/runc.js';

/** Name and tag of an image reference; `tag` null for a digest-only reference. Without a tag, the tag is `latest`. */
export function splitImage(ref: string): { name: string; tag: string | null; digest: string | null } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : null;
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { name: base.slice(0, colon), tag: base.slice(colon + 1), digest };
  return { name: base, tag: digest ? null : 'latest', digest };
}

/** Where a missing sandbox image key goes: the table it belongs in (file and path) for the file's config version. */
function insertion(model: ContainerdModel, view: CriView, containerd: Version): { root: MapNode; path: string[]; key: string } | null {
  // The file that holds the CRI table the key belongs in (an import, or the main file).
  const want = view.tables.find((t) => t.role === 'images') ?? view.tables.find((t) => t.role === 'cri');
  const file = (want && model.fileOf(want.table.file)) || model.main;
  if (!file.root || file.version < 1 || file.version > 4) return null;
  // A version the target does not read natively (config-version-unsupported): the key where that
  // version puts it would not be read either, so there is no fix to offer.
  if (file.version > maxConfigVersion(containerd).max) return null;
  const path = criKeyPath('sandboxImage', file.version as ConfigVersion);
  if (!path) return null;
  return { root: file.root, path: path.slice(0, -1) as string[], key: path[path.length - 1]! };
}

export default defineRule({
  meta: {
    id: 'sandbox-image-mismatch',
    description: 'The sandbox (pause) image of the runtime (containerd, CRI-O, cri-dockerd) must be the one kubeadm expects and the one the kubelet spares',
    severity: 'warning',
    files: ['containerd', 'crio', 'systemd-unit', 'kubelet-flags'],
    fixable: 'safe',
  },
  check(ctx) {
    const { node, target } = ctx;
    checkCrio(ctx);
    checkCriDockerd(ctx);
    const model = node.containerd;
    if (!model || !model.main.root || !checksContainerd(node, target)) return;
    const view = criView(model, mergeMode(target));
    if (view.criDisabledBy.length) return;
    if (!containerdAcceptsVersion(view, target)) return; // containerd does not start: config-version-unsupported
    const k8s = kubeletVersion(target);
    const k = fmtVersion(target.kubernetes);
    const want = expectedPause(k8s);
    const sb = view.sandboxImage;
    // Set, but not to a string: containerd cannot decode the file and does not start (invalid-value says so).
    if (sb.node && sb.value === null) return;
    const isDefault = sb.value === null;
    const image = sb.value ?? defaultSandboxImage(target.containerd).image;
    const parts = splitImage(image);
    const tagOk = parts.tag === null || parts.tag === want;
    /** The image containerd should run: its own repository with kubeadm's tag. */
    const desired = tagOk ? image : parts.digest ? null : `${parts.name}:${want}`;
    const keyName = mergeMode(target) === '2.x' && model.main.version >= 3 ? 'pinned_images.sandbox' : 'sandbox_image';

    if (!tagOk) {
      const table = view.tables.find((t) => t.role === 'images') ?? view.tables.find((t) => t.role === 'cri');
      const at = sb.node ?? (table && !table.table.implicit ? table.table : null);
      const spot = at ? nodeSpot(at) : { file: model.main.source, range: fileStart(model.main.source) };
      // A sandbox_image that an import's CRI table drops (1.x): say so, it is why the default applies.
      const lost = isDefault ? droppedKey(model, target, CRI_V2_IDS, ['sandbox_image']) : null;
      const what = isDefault
        ? `containerd ${fmtVersion(target.containerd)} uses its default sandbox image ${image} (${lost ? `the ${keyName} of ${lost.node.file.display} is dropped, as an import replaces the whole CRI table` : `${keyName} is not set`})`
        : `containerd's sandbox image is ${image}`;
      let fix;
      try {
        let ch: FileChange | null = null;
        if (sb.node && desired) ch = toml.setValue(sb.node, desired);
        else if (isDefault) {
          const ins = insertion(model, view, target.containerd);
          if (ins) ch = toml.ensureTable(ins.root, ins.path, { [ins.key]: expectedPauseImage(k8s) });
        }
        if (ch) fix = makeFix('safe', `use the pause image ${isDefault ? expectedPauseImage(k8s) : desired}`, ch);
      } catch (e) {
        if (!(e instanceof FixBuildError)) throw e;
      }
      ctx.report({
        ...spot,
        message:
          `${what}, but kubeadm for Kubernetes ${k} expects pause:${want}: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, ` +
          `and the node pulls and keeps both; use ${isDefault ? expectedPauseImage(k8s) : (desired ?? `pause:${want}`)}`,
        ...(lost ? { related: [{ file: lost.node.file, range: { start: lost.keyRange.start, end: lost.node.range.end }, message: 'sandbox_image is set here and dropped (containerd-import-replaces-table)' }] } : {}),
        ...(fix ? { fix } : {}),
      });
    }

    // --pod-infra-container-image, while the kubelet still reads it.
    const related = sb.node
      ? [{ file: sb.node.file, range: sb.node.range, message: `containerd's sandbox image ${image}` }]
      : [{ ...(view.tables[0] && !view.tables[0].table.implicit ? nodeSpot(view.tables[0].table) : { file: model.main.source, range: fileStart(model.main.source) }), message: `containerd's default sandbox image ${image}` }];
    checkFlag(ctx, 'containerd', image, desired, related);
  },
});

/**
 * --pod-infra-container-image against the image the runtime runs sandboxes with, while the kubelet
 * still reads the flag. `desired` is the runtime's image with kubeadm's tag (null: no such image).
 */
function checkFlag(ctx: RuleContext, runtime: string, image: string, desired: string | null, related: RelatedLocation[]): void {
  const kubelet = ctx.node.kubelet;
  const flag = kubelet ? kubeletFlag(kubelet, 'pod-infra-container-image') : null;
  if (!flag || flag.value === null || flag.value === '') return;
  const status = kubeletFlagStatus(kubeletVersion(ctx.target), 'pod-infra-container-image');
  if (status.status === 'removed' || status.status === 'no-effect') return; // removed: invalid-value; no effect: harmless
  if (flag.value === image || flag.value === desired) return; // same image, or the runtime's own finding fixes the tag
  const value = desired ?? image;
  let fix;
  try {
    if (flag.valueFile === null || flag.valueFile === flag.file) fix = makeFix('safe', `set --pod-infra-container-image=${value}`, lines.setFlag(flag.file, flag.range, 'pod-infra-container-image', value));
  } catch (e) {
    if (!(e instanceof FixBuildError)) throw e;
  }
  ctx.report({
    ...flagValuePlace(flag),
    message:
      `--pod-infra-container-image is ${flag.value}, but ${runtime} runs pod sandboxes with ${image}: the flag only tells the kubelet's image garbage collector which pause image to keep, ` +
      `so it spares an image no pod uses while ${runtime}'s can be removed and pulled again; set it to ${value}`,
    related,
    ...(fix ? { fix } : {}),
  });
}

/** CRI-O's `[crio.image] pause_image` (default per release, crioDefaultPauseImage) against kubeadm's pause tag. */
function checkCrio(ctx: RuleContext): void {
  const { node, target } = ctx;
  const model = node.crio;
  if (!model || !crioSocket(node) || !checksRuntime(node, target, 'crio')) return;
  const s = crioSettings(model);
  const k8s = kubeletVersion(target);
  const want = expectedPause(k8s);
  const crio = crioForKubernetes(k8s);
  const pi = s.pauseImage;
  const isDefault = pi.value === null;
  const image = pi.value ?? crioDefaultPauseImage(crio);
  const parts = splitImage(image);
  const tagOk = parts.tag === null || parts.tag === want;
  const desired = tagOk ? image : parts.digest ? null : `${parts.name}:${want}`;
  const table = s.tables.image;
  const first = model.configFiles.find((f) => f.root)!;
  const spot = crioSettingSpot(pi) ?? (table && !table.implicit ? nodeSpot(table) : { file: first.source, range: fileStart(first.source) });
  if (!tagOk) {
    const fix = tryFix(() => {
      if (!isDefault && desired) return makeFix('safe', `use the pause image ${desired}`, crioSetTo(pi, CRIO_CLI_SETTINGS.pauseImage.flag, desired));
      if (!isDefault) return undefined;
      // The last file that has [crio.image] (or the last file) gets the key: it wins over the others.
      const files = model.configFiles.filter((f) => f.root);
      const target = [...files].reverse().find((f) => f.root!.entries.some((e) => e.key.toLowerCase() === 'crio')) ?? files[files.length - 1]!;
      return makeFix('safe', `use the pause image ${expectedPauseImage(k8s)}`, toml.ensureTable(target.root!, ['crio', 'image'], { pause_image: expectedPauseImage(k8s) }));
    });
    const what = isDefault ? `CRI-O ${fmtVersion(crio)} uses its default pause image ${image} (pause_image is not set)` : `CRI-O's pause image is ${image}${pi.cli ? ` (${crioSettingText(pi, 'pause_image')})` : ''}`;
    ctx.report({
      ...spot,
      message:
        `${what}, but kubeadm for Kubernetes ${fmtVersion(target.kubernetes)} expects pause:${want}: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, ` +
        `and the node pulls and keeps both; use ${isDefault ? expectedPauseImage(k8s) : (desired ?? `pause:${want}`)}`,
      ...(fix ? { fix } : {}),
    });
  }
  checkFlag(ctx, 'CRI-O', image, desired, [{ ...spot, message: isDefault ? `CRI-O's default pause image ${image}` : `CRI-O's pause image ${image}` }]);
}

/** Where the fix for an unset --pod-infra-container-image puts cri-dockerd's command (a drop-in read after the others). */
const PAUSE_DROPIN_DIR = 'etc/systemd/system/cri-docker.service.d';
const PAUSE_DROPIN = '99-crilint-pause.conf';

/** cri-dockerd's --pod-infra-container-image (or its default) against kubeadm's pause tag. */
function checkCriDockerd(ctx: RuleContext): void {
  const { node, target } = ctx;
  const model = node.docker;
  if (!model || !model.criDockerd || !criDockerdSocket(node) || !checksRuntime(node, target, 'cri-dockerd')) return;
  const k8s = kubeletVersion(target);
  const want = expectedPause(k8s);
  const cmd = criDockerdCommand(model);
  const flag = flagOf(cmd, 'pod-infra-container-image');
  const set = flag && flag.value ? flag.value : null;
  const image = set ?? criDockerdDefaultPause(ver(ASSUMED_CRI_DOCKERD.version));
  const parts = splitImage(image);
  const tagOk = parts.tag === null || parts.tag === want;
  const desired = tagOk ? image : parts.digest ? null : `${parts.name}:${want}`;
  const unitFile = model.criDockerd.files[0]!.file;
  const spot = flag ? flagValuePlace(flag) : cmd ? { file: cmd.assignment.file, range: cmd.assignment.range } : { file: unitFile, range: fileStart(unitFile) };
  if (!tagOk) {
    let fix;
    if (flag && desired && (flag.valueFile === null || flag.valueFile === flag.file)) fix = tryFix(() => makeFix('safe', `set --pod-infra-container-image=${desired}`, lines.setFlag(flag.file, flag.range, 'pod-infra-container-image', desired)));
    else if (!flag && cmd && node.root) {
      // A drop-in that sorts after every other one replaces the command with the flag added.
      const image = expectedPauseImage(k8s);
      const later = model.criDockerd.files.some((f) => f !== model.criDockerd!.files[0] && posix.basename(f.file.path) >= PAUSE_DROPIN);
      const text = ['[Service]', 'ExecStart=', `ExecStart=${cmd.assignment.value} ${lines.formatFlag('pod-infra-container-image', image)}`];
      if (!later) fix = tryFix(() => makeFix('safe', `add --pod-infra-container-image=${image} in ${PAUSE_DROPIN_DIR}/${PAUSE_DROPIN}`, lines.createFile(join(node.root!, PAUSE_DROPIN_DIR, PAUSE_DROPIN), `${PAUSE_DROPIN_DIR}/${PAUSE_DROPIN}`, text)));
    }
    const what = set ? `cri-dockerd's pause image is ${image} (--pod-infra-container-image)` : `cri-dockerd ${ASSUMED_CRI_DOCKERD.version} (assumed: the newest crilint knows) uses its default pause image ${image} (--pod-infra-container-image is not set)`;
    ctx.report({
      ...spot,
      message:
        `${what}, but kubeadm for Kubernetes ${fmtVersion(target.kubernetes)} expects pause:${want}: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, ` +
        `and the node pulls and keeps both; ${set ? `use ${desired ?? `pause:${want}`}` : `add --pod-infra-container-image=${expectedPauseImage(k8s)} to cri-dockerd's ExecStart= (in a drop-in: ExecStart= to clear it, then the whole command)`}`,
      ...(fix ? { fix } : {}),
    });
  }
  checkFlag(ctx, 'cri-dockerd', image, desired, [{ ...spot, message: set ? `cri-dockerd's pause image ${image}` : `cri-dockerd's default pause image ${image}` }]);
}
