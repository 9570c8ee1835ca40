/**
 * kernel-module-required: kernel modules that the node's own settings depend on must be loaded
 * at boot by modules-load.d:
 * - `br_netfilter` when a `net.bridge.*` sysctl is set (warning): the keys do not exist until the
 *   module is loaded, so systemd-sysctl cannot write them. An assignment with the `-` prefix says
 *   "a failure is fine" and is left alone; globs that match nothing are silent in systemd too.
 * - `overlay` with containerd's overlayfs snapshotter (explicit or the Linux default) on a node set
 *   that manages modules-load.d (info; a warning when kernel.modules_disabled = 1 stops the
 *   kernel from loading it on the first mount by itself).
 * Module names are compared the kmod way (`-` = `_`). modules-load.d has no inline comments:
 * `br_netfilter # bridge` names a module that does not exist, and is said so.
 *
 * Scope: loose files without any modules-load.d file among them say nothing about what the node
 * loads, so the rule is silent there; a node root without modules-load.d loads nothing.
 */
import type { RelatedLocation } from '../core/types.js';
import { containerdDefault } from '../data/containerd-defaults.js';
import { MODULE_SYSCTLS, MODULES_DISABLED, OVERLAY_MODULE, type ModuleSysctls } from '../data/kernel.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { makeFix } from '../fix/index.js';
import { criView } from '../model/containerd.js';
import { unusable } from '../model/load.js';
import { normalizeModuleName, parseModules } from '../model/modules.js';
import type { SysctlEntry } from '../model/sysctl.js';
import { addModuleLine, kernelValue, statementRange, statementText, sysctlReadable } from './shared/kernel.js';

/** Modules a Kubernetes modules-load.d file holds: a fix adds to the file that already loads one of them. */
const KUBERNETES_MODULES = [OVERLAY_MODULE.module, ...MODULE_SYSCTLS.map((m) => m.module)];

export default defineRule({
  meta: {
    id: 'kernel-module-required',
    description: 'Kernel modules the node needs must be loaded at boot: br_netfilter for net.bridge.* sysctls, overlay for the overlayfs snapshotter',
    severity: 'warning',
    files: ['sysctl', 'modules-load', 'containerd'],
    fixable: 'safe',
  },
  check(ctx) {
    const { node } = ctx;
    const mods = node.modules;
    if (!mods && !node.root) return;
    if (mods && [...mods.files, ...mods.masked].some((f) => f.source && unusable(f.source))) return;
    if (node.sysctl && sysctlReadable(node)) for (const need of MODULE_SYSCTLS) checkModuleSysctls(ctx, need);
    checkOverlay(ctx);
  },
});

/** What the node's modules-load.d says about a module it does not load: inline "comments", masked files. */
function notLoadedBecause(ctx: RuleContext, module: string): { related: RelatedLocation[]; commented: boolean } {
  const mods = ctx.node.modules;
  const related: RelatedLocation[] = [];
  let commented = false;
  if (!mods) return { related, commented };
  const want = normalizeModuleName(module);
  for (const e of mods.modules) {
    if (e.normalized !== want && normalizeModuleName(e.name.split(/[\s#;]/)[0]!) === want) {
      commented = true;
      related.push({
        file: e.file,
        range: e.range,
        message: `names the module "${e.name}": modules-load.d has no inline comments, so systemd-modules-load looks for a module with that whole name and fails ("Failed to find module '${e.name}'"); put ${module} alone on the line and the comment on a line of its own`,
      });
    }
  }
  for (const f of mods.masked) {
    if (!f.source || !parseModules(f.source).modules.some((e) => e.normalized === want)) continue;
    related.push({
      file: f.source,
      range: null,
      message: `lists ${module}, but ${f.maskedBy!.path}${f.maskedBy!.kind === 'devnull' ? ' (a link to /dev/null)' : ''} has the same name and hides it`,
    });
  }
  return { related, commented };
}

function checkModuleSysctls(ctx: RuleContext, need: ModuleSysctls): void {
  const { node } = ctx;
  const m = node.sysctl!;
  if (node.modules?.loads(need.module).length) return;
  // Assignments that are written (systemd at boot; procps for what only /etc/sysctl.conf sets), without `-`.
  const boot: SysctlEntry[] = [];
  for (const s of m.settings()) if (s.winner && !s.winner.glob && !s.ignoreFailure && s.key.startsWith(need.prefix)) boot.push(s.winner);
  const procpsOnly: SysctlEntry[] = [];
  for (const s of m.procps.settings()) {
    if (!s.winner || s.winner.glob || s.ignoreFailure || !s.key.startsWith(need.prefix)) continue;
    if (!m.entries.includes(s.winner) && !boot.some((b) => b.key === s.key)) procpsOnly.push(s.winner);
  }
  const all = [...boot, ...procpsOnly];
  const first = all[0];
  if (!first) return;
  const { related, commented } = notLoadedBecause(ctx, need.module);
  const more = all.length > 1 ? ` (and ${all.length - 1} more ${need.prefix}* setting${all.length > 2 ? 's' : ''})` : '';
  const fails = boot.includes(first)
    ? `at boot systemd-sysctl logs "Couldn't write '${first.value}' to '${first.path}', ignoring: No such file or directory"`
    : `"sysctl --system" fails with "sysctl: cannot stat /proc/sys/${first.path}: No such file or directory"`;
  const nothing = commented ? `no modules-load.d file loads ${need.module} (see related: a line with an inline comment)` : `no modules-load.d file loads ${need.module}`;
  const add = commented ? null : addModuleLine(node, need.module, KUBERNETES_MODULES);
  ctx.report({
    file: first.file,
    range: statementRange(first),
    message: `${first.key}${more} ${all.length > 1 ? 'exist' : 'exists'} only once the ${need.module} module is loaded, and ${nothing}: ${fails}, and unless something else loads ${need.module}, ${need.effect}; load ${need.module} from /etc/modules-load.d/`,
    related: [
      ...all.slice(1).map((e) => ({ file: e.file, range: statementRange(e), message: `${statementText(e)}: also needs ${need.module}` })),
      ...related,
      ...sameFileRelated(ctx, need.module),
    ],
    fix: add ? makeFix('safe', `add ${need.module} to ${add.create?.display ?? add.file!.display}`, add) : undefined,
  });
}

/** The Kubernetes modules-load.d file(s) that load other modules but not this one. */
function sameFileRelated(ctx: RuleContext, module: string): RelatedLocation[] {
  const mods = ctx.node.modules;
  if (!mods) return [];
  const others = KUBERNETES_MODULES.filter((x) => x !== module);
  const out: RelatedLocation[] = [];
  for (const f of mods.files) {
    const e = f.modules.find((x) => others.includes(x.normalized));
    if (e) out.push({ file: e.file, range: e.range, message: `loads ${e.name}, but not ${module}` });
  }
  return out;
}

function checkOverlay(ctx: RuleContext): void {
  const { node, target } = ctx;
  if (!node.containerd || !node.modules) return;
  if (node.modules.loads(OVERLAY_MODULE.module).length) return;
  const view = criView(node.containerd, target.containerd.major >= 2 ? '2.x' : '1.x');
  const explicit = view.snapshotter.node;
  const snapshotter = view.snapshotter.value ?? containerdDefault(target.containerd, 'snapshotter');
  if (snapshotter !== OVERLAY_MODULE.snapshotter) return;
  const locked = node.sysctl && sysctlReadable(node) ? kernelValue(node.sysctl, MODULES_DISABLED.key) : null;
  const lockedBy = locked?.value === 1 ? locked.setBy?.entry ?? null : null;
  const { related, commented } = notLoadedBecause(ctx, OVERLAY_MODULE.module);
  const add = commented ? null : addModuleLine(node, OVERLAY_MODULE.module, KUBERNETES_MODULES);
  const which = explicit ? 'snapshotter "overlayfs"' : 'default snapshotter, overlayfs,';
  const message = lockedBy
    ? `containerd's ${which} mounts overlay filesystems, and no modules-load.d file loads the overlay module; ${statementText(lockedBy)} (${lockedBy.file.display}:${lockedBy.line}) stops the kernel from loading it on the first mount, so containerd cannot unpack images or start containers; add overlay to /etc/modules-load.d/`
    : `containerd's ${which} mounts overlay filesystems, and no modules-load.d file loads the overlay module; current kernels load it on the first mount, so this only matters where module loading is restricted, but listing it next to the other Kubernetes modules is the usual safeguard; add overlay to /etc/modules-load.d/`;
  ctx.report({
    file: explicit?.file ?? null,
    range: explicit?.range ?? null,
    severity: lockedBy ? 'warning' : 'info',
    message,
    related: [
      ...related,
      ...sameFileRelated(ctx, OVERLAY_MODULE.module),
      ...(lockedBy ? [{ file: lockedBy.file, range: statementRange(lockedBy), message: `${statementText(lockedBy)}: no module can be loaded after this` }] : []),
    ],
    fix: add ? makeFix('safe', `add overlay to ${add.create?.display ?? add.file!.display}`, add) : undefined,
  });
}
