/**
 * crio-runtime-table-reset: a CRI-O file re-declares a map entry of an earlier file — a runtime
 * handler `[crio.runtime.runtimes.NAME]`, a workload — without repeating all of its keys. CRI-O
 * decodes each map entry of a file into a fresh value (BurntSushi/toml unifyMap: reflect.New per
 * key; src/data/crio.ts CRIO_MERGE.maps), so every key the earlier declaration set and this one does
 * not is forgotten: the packaged 10-crio.conf's runtime_path, runtime_root and monitor_path are
 * dropped by a drop-in that only wants to add monitor_env to crun. CRI-O then looks the binaries up
 * in $PATH (or fails to start when they are not there), and nothing says so.
 * No fix: which of the two declarations is meant (the packaged paths, or a handler written from
 * scratch) is the author's call, and either way the node runs differently afterwards.
 */
import { defineRule } from '../engine/rule.js';
import { crioMergedView } from '../model/crio.js';
import { formatPath, type VNode } from '../model/tree.js';
import { nodeSpot } from './shared/runc.js';

export default defineRule({
  meta: {
    id: 'crio-runtime-table-reset',
    description: 'A CRI-O drop-in re-declares a runtime handler (or workload) table of an earlier file, which drops every key of the earlier table that it does not repeat',
    severity: 'error',
    files: ['crio'],
  },
  check(ctx) {
    const model = ctx.node.crio;
    if (!model) return;
    for (const r of crioMergedView(model).resets) {
      const lost = r.lost.filter((e) => !isDefault(e.key, e.value));
      if (!lost.length) continue;
      const keys = lost.map((e) => e.key);
      const table = formatPath(r.path);
      const list = keys.join(', ');
      ctx.report({
        ...nodeSpot(r.winner),
        message:
          `[${table}] replaces the whole table declared in ${r.earlier.file.display}, so CRI-O forgets ${list} set there: ` +
          'CRI-O decodes each runtime handler (and workload) table of a file into a fresh value, and only the keys of the last declaration count; ' +
          `repeat ${keys.length === 1 ? 'that key' : 'those keys'} here, or set them in one file`,
        related: lost.map((e) => ({ file: e.value.file, range: { start: e.keyRange.start, end: e.value.range.end }, message: `${e.key} is set here and dropped` })),
      });
    }
  },
});

/**
 * Keys whose loss changes nothing: a Go zero value (what the fresh handler has anyway), and
 * runtime_type "oci" (empty means oci: TranslateMonitorFields, ValidateRuntimeType @ f954a17e).
 */
function isDefault(key: string, v: VNode): boolean {
  if (v.kind === 'scalar') return v.value === '' || v.value === 0 || v.value === false || (key.toLowerCase() === 'runtime_type' && v.value === 'oci');
  if (v.kind === 'array') return v.items.length === 0;
  return v.entries.length === 0;
}
