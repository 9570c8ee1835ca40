/**
 * containerd-import-limit: crilint stopped following `imports` (deeper than MAX_IMPORT_DEPTH
 * levels, more than MAX_IMPORT_FILES files, or a glob reaching more than MAX_GLOB_PATHS paths). containerd has no such limits; the files beyond
 * them are not checked, which the report must say rather than pass them silently. One finding per
 * `imports` entry, however many files it matches.
 */
import { defineRule } from '../engine/rule.js';
import { IMPORT_RULES, MAX_GLOB_PATHS, MAX_IMPORT_DEPTH, MAX_IMPORT_FILES } from '../model/containerd.js';

export default defineRule({
  meta: {
    id: IMPORT_RULES.limit,
    description: "The containerd imports nest deeper or name more files than crilint follows, so some imported files are not checked",
    severity: 'warning',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    for (const entry of model.imports) {
      if (entry.tooBroad) {
        ctx.report({
          file: entry.from.source,
          range: entry.node.range,
          message: `import "${entry.node.value}" not followed: its glob reaches more than ${MAX_GLOB_PATHS} paths (crilint's limit), so none of its matches is checked`,
        });
        continue;
      }
      const t = entry.targets.find((x) => x.status === 'limit');
      if (!t) continue;
      const message =
        t.limit === 'depth'
          ? `import "${entry.node.value}" not followed: imports nest deeper than ${MAX_IMPORT_DEPTH} levels (crilint's limit), so ${t.location} is not checked`
          : `import "${entry.node.value}" not followed: more than ${MAX_IMPORT_FILES} containerd files (crilint's limit), so ${t.location} and later matches are not checked`;
      ctx.report({ file: entry.from.source, range: entry.node.range, message });
    }
  },
});
