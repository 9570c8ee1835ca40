/**
 * containerd-import-not-found: an `imports` entry containerd cannot read. containerd opens every
 * resolved import and stops on the first error, so the daemon does not start: a missing file
 * (loadConfigFile → toml.LoadFile, services/server/config/config.go @ v1.7.34; os.Open,
 * cmd/containerd/server/config/config.go @ v2.2.7), a directory, or a glob that filepath.Glob
 * rejects (resolveImports returns ErrBadPattern). A glob that matches nothing imports nothing and
 * is fine. The loader (src/model/containerd.ts) records the statuses; this rule reports them.
 * A warning, too, for a relative glob that the given containerd release (before 1.6.29 / 1.7.16)
 * expands against its working directory instead of the importing file's directory.
 */
import { defineRule } from '../engine/rule.js';
import { fmtVersion } from '../core/version.js';
import { IMPORT_RULES } from '../model/containerd.js';

export default defineRule({
  meta: {
    id: IMPORT_RULES.notFound,
    description: 'An imports entry of the containerd config names a file that does not exist, a directory, or a malformed glob, so containerd does not start',
    severity: 'error',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    for (const entry of model.imports) {
      const at = { file: entry.from.source, range: entry.node.range };
      if (entry.fromWorkingDir) {
        const n = entry.targets.length;
        ctx.report({
          ...at,
          severity: 'warning',
          message: `import "${entry.node.value}" is a relative glob: containerd ${fmtVersion(ctx.target.containerd)} expands it against its working directory (/ under systemd), not against the directory of ${entry.from.location} (fixed in 1.6.29 and 1.7.16), so it imports ${n ? `${entry.resolved} (${n} file${n === 1 ? '' : 's'})` : 'nothing'} instead of ${entry.fromWorkingDir.intended}; write the absolute path`,
        });
      }
      if (entry.badPattern) {
        ctx.report({ ...at, message: `import "${entry.node.value}" is not a valid glob pattern (unclosed "[" or trailing "\\"); containerd fails to start` });
        continue;
      }
      for (const t of entry.targets) {
        if (t.status === 'missing') {
          ctx.report({ ...at, message: `imported file ${t.location} does not exist; containerd fails to start when an import cannot be read` });
        } else if (t.status === 'directory') {
          ctx.report({ ...at, message: `import "${entry.node.value}" resolves to ${t.location}, which is a directory; containerd fails to start because it cannot read a directory as TOML` });
        }
      }
    }
  },
});
