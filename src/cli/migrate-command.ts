/**
 * `crilint migrate FILE [--to 3|4] [--write]`: containerd config version migration as minimal
 * edits (src/generate/migrate.ts). Prints the unified diff (the `--fix-dry-run` helper; `a/` and
 * `b/` name FILE relative to the working directory, or from `/` when it lies outside) unless
 * `--write`, which replaces FILE atomically (src/fix/write.ts, mode kept). stderr says what was
 * done; what could not be migrated is listed as `FILE:line:col: message` lines and makes the exit
 * code 1 (the rest is still migrated). Bad input (no such file, no `version`, a file that does not
 * parse, a downgrade) is a usage error, exit 2.
 * src/cli/main.ts registers it: `.command(migrateCommand(out))`.
 */
import type { Argv } from 'yargs';
import { patchName, unifiedDiff } from '../fix/diff.js';
import { writeFiles, WriteError } from '../fix/write.js';
import { migrateFile, type MigrateTo } from '../generate/migrate.js';
import { UsageError } from './errors.js';

export interface MigrateArgs {
  file: string;
  to: MigrateTo;
  write: boolean;
}

export function runMigrate(a: MigrateArgs): { stdout: string; stderr: string; exitCode: number } {
  const r = migrateFile(a.file, a.file, a.to);
  const err: string[] = [];
  for (const d of r.diagnostics) err.push(`crilint: ${d.internal ? 'internal error: ' : ''}${a.file}: ${d.message}`);
  for (const f of r.leftovers) err.push(`${a.file}:${f.range?.start.line ?? 1}:${f.range?.start.column ?? 1}: not migrated: ${f.message}`);
  const internal = r.diagnostics.some((d) => d.internal);
  const code = internal ? 3 : r.leftovers.length ? 1 : 0;
  if (r.text === r.original) {
    err.push(r.from === r.to ? `crilint: ${a.file}: already version ${r.to}; nothing to migrate` : `crilint: ${a.file}: nothing could be migrated`);
    return { stdout: '', stderr: err.join('\n') + '\n', exitCode: code };
  }
  const steps = `${r.applied.length} change${r.applied.length === 1 ? '' : 's'}`;
  if (!a.write) {
    err.push(`crilint: ${a.file}: version ${r.from} → ${r.to} (${steps}); nothing written (--write writes it)`);
    return { stdout: unifiedDiff([{ display: patchName(r.path, process.cwd()), original: r.original, text: r.text, bom: r.bom }]), stderr: err.join('\n') + '\n', exitCode: code };
  }
  try {
    writeFiles([{ path: r.path, display: a.file, text: r.text, bom: r.bom, created: false }]);
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    err.push(`crilint: ${e.message}; nothing was written`);
    return { stdout: '', stderr: err.join('\n') + '\n', exitCode: 2 };
  }
  err.push(`crilint: ${a.file}: migrated from version ${r.from} to ${r.to} (${steps})`);
  return { stdout: '', stderr: err.join('\n') + '\n', exitCode: code };
}

/** The yargs registration of `migrate`. */
export function migrateCommand(out: { code: number }) {
  return {
    command: 'migrate <file>',
    describe: 'Migrate a containerd config.toml to config version 3 or 4 as minimal edits (comments and settings kept)',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'containerd config file (version 1, 2 or 3)' })
        .option('to', { type: 'string', requiresArg: true, default: '3', describe: 'Config version: 3 (containerd 2.0–2.2) or 4 (containerd 2.3)' })
        .option('write', { type: 'boolean', default: false, describe: 'Rewrite FILE instead of printing the diff' })
        .example('$0 migrate /etc/containerd/config.toml', 'Show the diff to config version 3')
        .example('$0 migrate config.toml --to 4 --write', 'Rewrite config.toml as version 4 (containerd 2.3)'),
    handler: (a: Record<string, unknown>) => {
      const to = String(a.to);
      if (to !== '3' && to !== '4') throw new UsageError(`--to ${to}: choose 3 (containerd 2.0–2.2) or 4 (containerd 2.3)`);
      const r = runMigrate({ file: String(a.file), to: to === '3' ? 3 : 4, write: Boolean(a.write) });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      out.code = r.exitCode;
    },
  };
}
