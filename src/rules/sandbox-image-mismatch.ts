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
 */
import type { FileChange } from '../core/types.js';
import { fileStart } from '../core/source.js';
import { fmtVersion, type Version } from '../core/version.js';
import { configVersionVerdict, criKeyPath, defaultSandboxImage, maxConfigVersion, type ConfigVersion } from '../data/containerd.js';
import { expectedPause, expectedPauseImage } from '../data/kubernetes.js';
import { kubeletFlagStatus } from '../data/kubelet-flags.js';
import { defineRule } from '../engine/rule.js';
import { FixBuildError, lines, makeFix, toml } from '../fix/index.js';
import { criView, type ContainerdModel, type CriView } from '../model/containerd.js';
import { kubeletFlag } from '../model/kubelet.js';
import type { MapNode } from '../model/tree.js';
import { mergeMode } from './shared/endpoints.js';
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
    description: 'The sandbox (pause) image of containerd must be the one kubeadm expects and the one the kubelet spares',
    severity: 'warning',
    files: ['containerd', 'kubelet-flags'],
    fixable: 'safe',
  },
  check(ctx) {
    const { node, target } = ctx;
    const model = node.containerd;
    if (!model || !model.main.root) return;
    const view = criView(model, mergeMode(target));
    if (view.criDisabledBy.length) return;
    // containerd refuses the config version and does not start: config-version-unsupported.
    if (configVersionVerdict(target.containerd, view.version).effect === 'fatal') return;
    const k8s = kubeletVersion(target);
    const k = fmtVersion(target.kubernetes);
    const want = expectedPause(k8s);
    const sb = view.sandboxImage;
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
      const what = isDefault
        ? `containerd ${fmtVersion(target.containerd)} uses its default sandbox image ${image} (${keyName} is not set)`
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
        ...(fix ? { fix } : {}),
      });
    }

    // --pod-infra-container-image, while the kubelet still reads it.
    const kubelet = node.kubelet;
    const flag = kubelet ? kubeletFlag(kubelet, 'pod-infra-container-image') : null;
    if (!flag || flag.value === null || flag.value === '') return;
    const status = kubeletFlagStatus(k8s, 'pod-infra-container-image');
    if (status.status === 'removed' || status.status === 'no-effect') return; // removed: invalid-value; no effect: harmless
    if (flag.value === image || flag.value === desired) return; // same image, or containerd's own finding fixes the tag
    const related = sb.node
      ? [{ file: sb.node.file, range: sb.node.range, message: `containerd's sandbox image ${image}` }]
      : [{ ...(view.tables[0] && !view.tables[0].table.implicit ? nodeSpot(view.tables[0].table) : { file: model.main.source, range: fileStart(model.main.source) }), message: `containerd's default sandbox image ${image}` }];
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
        `--pod-infra-container-image is ${flag.value}, but containerd runs pod sandboxes with ${image}: the flag only tells the kubelet's image garbage collector which pause image to keep, ` +
        `so it spares an image no pod uses while containerd's can be removed and pulled again; set it to ${value}`,
      related,
      ...(fix ? { fix } : {}),
    });
  },
});
