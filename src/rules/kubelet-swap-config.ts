/**
 * kubelet-swap-config: `memorySwap.swapBehavior` lets pods use swap (`LimitedSwap`, or
 * `UnlimitedSwap` before 1.30) while `failSwapOn` is true (its default). On a node with swap the
 * kubelet then refuses to start ("running with swap on is not supported, please disable swap! or
 * set --fail-swap-on flag to false", KK pkg/kubelet/cm/container_manager_linux.go), and on a node
 * without swap the setting does nothing: the two settings contradict each other. The NodeSwap
 * feature docs say swapBehavior "Must be used with KubeletConfiguration.failSwapOn set to false"
 * (reference kubelet-kubeadm.md §3.2).
 * What `invalid-value` already reports is left to it: a swapBehavior the target does not accept
 * (`UnlimitedSwap` from 1.30, `NoSwap` before) and any swapBehavior while NodeSwap is off
 * (alpha/beta-off before 1.30). This rule only looks at values the kubelet accepts.
 * Fix (safe): `failSwapOn: false`. It changes no running node: a kubelet on a node with swap is not
 * running (it refused to start), and on a node without swap failSwapOn has nothing to check; it
 * completes what the explicit swapBehavior asks for.
 */
import { swapBehaviorValues } from '../data/kubernetes.js';
import { kubeletFieldKnown } from '../data/kubelet-fields.js';
import { defineRule } from '../engine/rule.js';
import { FixBuildError, lines, makeFix, yaml } from '../fix/index.js';
import { kubeletSetting } from '../model/kubelet.js';
import { docOf, effectiveGate, insertionDoc, kubeletKnown, kubeletVersion, settingPlace } from './shared/kubelet-settings.js';

/** Values that let workloads use swap (types.go memorySwap.swapBehavior docs, 1.22–1.29 and 1.30+). */
const USES_SWAP = ['LimitedSwap', 'UnlimitedSwap'];

export default defineRule({
  meta: {
    id: 'kubelet-swap-config',
    description: 'A swapBehavior that uses swap needs failSwapOn: false, or the kubelet refuses to start on a node with swap',
    severity: 'warning',
    files: ['kubelet', 'kubelet-flags', 'systemd-unit'],
    fixable: 'safe',
  },
  check(ctx) {
    const model = ctx.node.kubelet;
    if (!kubeletKnown(model) || !model.merged) return;
    const k8s = kubeletVersion(ctx.target);
    if (kubeletFieldKnown(k8s, 'memorySwap') === false) return;
    const swap = kubeletSetting(model, 'memorySwap.swapBehavior', undefined, k8s);
    const behavior = swap.value;
    if (typeof behavior !== 'string' || !USES_SWAP.includes(behavior) || !swap.node) return;
    if (!swapBehaviorValues(k8s).includes(behavior) || !effectiveGate(model, k8s, 'NodeSwap')) return; // invalid-value
    const fail = kubeletSetting(model, 'failSwapOn', undefined, k8s);
    if (fail.value !== true) return;
    const failPlace = settingPlace(fail);
    const flagText = fail.flag ? `${fail.flag.written}${fail.flag.value !== null ? `=${fail.flag.value}` : ''}` : '';
    const failText = fail.flag ? `failSwapOn is true (${flagText})` : fail.origin === 'config' ? 'failSwapOn is true' : 'failSwapOn is true (the default)';
    let fix;
    try {
      let ch = null;
      if (fail.flag) ch = fail.flag.valueFile === null || fail.flag.valueFile === fail.flag.file ? lines.setFlag(fail.flag.file, fail.flag.range, 'fail-swap-on', false) : null;
      else if (fail.node && fail.node.kind === 'scalar') ch = yaml.setValue(fail.node, false);
      else {
        const doc = docOf(model, swap.node) ?? insertionDoc(model);
        if (doc) ch = yaml.insertKey(doc.root, 'failSwapOn', false);
      }
      if (ch) fix = makeFix('safe', 'set failSwapOn: false', ch);
    } catch (e) {
      if (!(e instanceof FixBuildError)) throw e;
    }
    ctx.report({
      file: swap.node.file,
      range: swap.node.range,
      message:
        `memorySwap.swapBehavior: ${behavior} lets pods use swap, but ${failText}: on a node with swap the kubelet refuses to start ` +
        `("running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"), and on a node without swap the setting does nothing; set failSwapOn: false`,
      related: failPlace ? [{ ...failPlace, message: fail.flag ? `${flagText} (overrides the config file)` : 'failSwapOn: true' }] : [],
      ...(fix ? { fix } : {}),
    });
  },
});
