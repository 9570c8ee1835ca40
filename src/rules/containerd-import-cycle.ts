/**
 * containerd-import-cycle: an `imports` entry that leads back to a file already being loaded.
 * containerd keeps a list of loaded paths and skips one it has seen (LoadConfig,
 * services/server/config/config.go @ v1.7.34; cmd/containerd/server/config/config.go @ v2.3.4),
 * so the entry has no effect. Not fatal, hence a warning.
 */
import { defineRule } from '../engine/rule.js';
import { IMPORT_RULES } from '../model/containerd.js';

export default defineRule({
  meta: {
    id: IMPORT_RULES.cycle,
    description: 'An imports entry of the containerd config leads back to a file that imports it, so containerd skips it',
    severity: 'warning',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    for (const entry of model.imports) {
      for (const t of entry.targets) {
        if (t.status !== 'cycle') continue;
        const chain = t.chain ?? [t.location];
        const related = t.file?.importedBy
          ? [{ file: t.file.importedBy.file.source, range: t.file.importedBy.node.range, message: `${t.location} is first imported here` }]
          : [];
        ctx.report({
          file: entry.from.source,
          range: entry.node.range,
          message: `import "${entry.node.value}" forms a cycle (${chain.join(' → ')}); containerd skips a file it has already loaded, so this import has no effect`,
          related,
        });
      }
    }
  },
});
