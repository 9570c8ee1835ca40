/**
 * Command-line entry. Exit codes (DESIGN.md): 0 clean, 1 error findings or too many warnings,
 * 2 usage/configuration/I/O problem, 3 internal error. No stack trace unless --debug.
 */
import yargs from 'yargs';
import { lint } from './lint.js';
import { UsageError } from './errors.js';
import { parseTargetVersion, TargetError } from '../engine/target.js';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TargetError) {
      process.stderr.write(`crilint: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`crilint: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    else process.stderr.write('crilint: run again with --debug for details, and please report it.\n');
    return 3;
  }
}

async function run(argv: string[]): Promise<number> {
  let code = 0;
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !argv.includes('--no-color');
  const parser = yargs(argv)
    .scriptName('crilint')
    .usage('$0 <command> [options]')
    .option('debug', { type: 'boolean', describe: 'Show stack traces for internal errors' })
    .command(
      ['lint [paths..]', '$0 [paths..]'],
      'Lint node configuration files (a node root, or loose files)',
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, describe: 'Files or node-root directories' })
          .option('root', { type: 'string', array: true, describe: "Treat DIR as a node's / (repeatable)" })
          .option('kubernetes', { type: 'string', describe: 'Target Kubernetes version (X.Y)' })
          .option('containerd', { type: 'string', describe: 'Target containerd version (X.Y)' })
          .option('format', { choices: ['stylish', 'json'] as const, default: 'stylish' as const, describe: 'Output format' })
          .option('max-warnings', { type: 'number', describe: 'Exit 1 when there are more warnings than this' })
          .option('quiet', { type: 'boolean', default: false, describe: 'Report errors only' })
          .example('$0 lint --root examples/broken-node', 'Lint a whole node root')
          .example('$0 lint etc/containerd/config.toml', 'Lint one file (its node root comes along)'),
      (a) => {
        if (a.maxWarnings !== undefined && (!Number.isInteger(a.maxWarnings) || a.maxWarnings < 0)) throw new UsageError('--max-warnings takes a whole number >= 0');
        const out = lint({
          paths: (a.paths as string[] | undefined) ?? [],
          root: (a.root as string[] | undefined) ?? [],
          kubernetes: a.kubernetes ? parseTargetVersion('kubernetes', a.kubernetes) : undefined,
          containerd: a.containerd ? parseTargetVersion('containerd', a.containerd) : undefined,
          format: a.format,
          maxWarnings: a.maxWarnings,
          quiet: a.quiet,
          color,
        });
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        code = out.exitCode;
      },
    )
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  await parser.parseAsync();
  return code;
}
