/**
 * default-runtime-undefined: the CRI default runtime (`default_runtime_name`, "runc" when unset)
 * is not among `containerd.runtimes`. The CRI plugin refuses to load with
 * "no corresponding runtime configured in `containerd.runtimes` for `containerd`
 * `default_runtime_name = "<name>"`" (ValidatePluginConfig @ v1.7.34, ValidateRuntimeConfig @ v2.2.7;
 * reference containerd.md §2.3); an empty name with "`default_runtime_name` is empty".
 *
 * 1.x decodes the plugin config with go-toml v1, which replaces the built-in runtimes map (runc)
 * by the file's `runtimes` table: a file that defines only `runtimes.nvidia` loses `runc`, and
 * the default "runc" is then undefined (verified with containerd 1.6.20: `config dump` shows no
 * runc, and the daemon logs the error above). 2.x decodes with go-toml v2 into the existing map
 * (not verified against a running 2.x), so there the built-in `runc` is assumed to stay and only
 * other names are checked. The runtimes seen are the merged ones (criView): 1.x replaces a plugin
 * table per imported file, so a drop-in with `runtimes` can drop runc too.
 *
 * CRI-O: a non-empty `[crio.runtime] default_runtime` without a `[crio.runtime.runtimes.NAME]`
 * table in the merged configuration stops CRI-O ("default_runtime set to %q, but no runtime entry
 * table [crio.runtime.runtimes.%s] was found", ValidateDefaultRuntime, pkg/config/config.go @
 * f954a17e). Unset or empty, CRI-O adds its default handler (crun from 1.31, runc before) itself.
 */
import { fmtVersion } from '../core/version.js';
import { crioForKubernetes } from '../data/crio.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { crioSettings } from '../model/crio.js';
import { criView } from '../model/containerd.js';
import { getPath } from '../model/tree.js';
import { fmtTable, modeOf, targetText } from './shared/containerd.js';

export default defineRule({
  meta: {
    id: 'default-runtime-undefined',
    description: "The default runtime (containerd's default_runtime_name, CRI-O's default_runtime) is not defined, so containerd loads no CRI plugin and CRI-O does not start",
    severity: 'error',
    files: ['containerd', 'crio'],
  },
  check(ctx) {
    checkCrio(ctx);
    const model = ctx.node.containerd;
    if (!model) return;
    const mode = modeOf(ctx.target);
    const view = criView(model, mode);
    const name = view.defaultRuntimeName;
    const t = targetText(ctx.target);
    // What containerd logs with "failed to load plugin io.containerd.grpc.v1.cri" (1.x wraps it in "invalid plugin config").
    const prefix = mode === '1.x' ? 'invalid plugin config: ' : '';
    const fail = (n: string) =>
      `${t} fails to load the CRI plugin (${prefix}no corresponding runtime configured in \`containerd.runtimes\` for \`containerd\` \`default_runtime_name = "${n}"\`), so the kubelet finds no CRI service`;
    if (name.node && name.value === '') {
      ctx.report({ file: name.node.file, range: name.node.range, message: `default_runtime_name is empty: ${t} fails to load the CRI plugin (${prefix}\`default_runtime_name\` is empty); name one of the runtimes, usually "runc"` });
      return;
    }
    const defined = view.runtimes.map((r) => r.name);
    if (defined.includes(name.value)) return;
    const list = defined.length ? `defined: ${defined.map((n) => `"${n}"`).join(', ')}` : 'no runtimes are defined';
    if (name.node) {
      if (name.value === 'runc' && (mode === '2.x' || defined.length === 0)) return; // the built-in runc
      ctx.report({
        file: name.node.file,
        range: name.node.range,
        message: `default_runtime_name = "${name.value}" names no runtime in containerd.runtimes (${list}): ${fail(name.value)}; define [${fmtTable([...(name.node.path as string[]).slice(0, -1), 'runtimes', name.value])}] or name a defined runtime`,
        related: view.runtimes.map((r) => ({ file: r.table.file, range: r.table.keyRange ?? r.table.range, message: `runtime "${r.name}" is defined here` })),
      });
      return;
    }
    // default_runtime_name unset ("runc"): on 1.x a runtimes table without runc replaces the built-in one.
    if (mode !== '1.x' || defined.length === 0) return;
    const first = view.runtimes[0]!.table;
    const runtimesTable = getPath(model.fileOf(first.file)?.root ?? undefined, (first.path as string[]).slice(0, -1));
    const at = runtimesTable && runtimesTable.kind === 'map' ? { file: runtimesTable.file, range: runtimesTable.keyRange ?? runtimesTable.range } : { file: first.file, range: first.keyRange ?? first.range };
    ctx.report({
      ...at,
      message: `containerd.runtimes defines ${defined.map((n) => `"${n}"`).join(', ')} but not "runc", and default_runtime_name is not set (so it is "runc"): ${t} replaces its built-in runtimes with this table and ${fail('runc').slice(t.length + 1)}; set default_runtime_name to one of them, or define runtimes.runc as well`,
    });
  },
});

function checkCrio(ctx: RuleContext): void {
  const model = ctx.node.crio;
  if (!model || !model.configFiles.some((f) => f.root)) return;
  const s = crioSettings(model);
  const d = s.defaultRuntime;
  if (!d.node || !d.value || s.runtimes.some((r) => r.name === d.value)) return;
  const defined = s.runtimes.map((r) => `"${r.name}"`);
  const crio = fmtVersion(crioForKubernetes(ctx.target.kubernetes));
  ctx.report({
    file: d.node.file,
    range: d.node.range,
    message:
      `default_runtime = ${d.node.raw} names no runtime handler (${defined.length ? `defined: ${defined.join(', ')}` : 'no [crio.runtime.runtimes.*] table is defined'}): ` +
      `CRI-O ${crio} does not start ("default_runtime set to \"${d.value}\", but no runtime entry table [crio.runtime.runtimes.${d.value}] was found"); ` +
      `define [crio.runtime.runtimes.${d.value}] or name a defined handler`,
    related: s.runtimes.map((r) => ({ file: r.table.file, range: r.table.range.start.line === r.table.range.end.line ? r.table.range : r.keyRange, message: `runtime handler "${r.name}" is defined here` })),
  });
}
