/**
 * Command-line entry. Exit codes (DESIGN.md): 0 clean, 1 error findings or too many warnings,
 * 2 usage/configuration/I/O problem, 3 internal error. No stack trace unless --debug.
 * Each command is one `.command(...)` registration; its options and handler live beside it.
 */
import yargs from 'yargs';
import { lintCommand } from './lint.js';
export { workerMain } from './fleet.js';
import { explainRule, renderRules } from './rules-command.js';
import { schemaCommand } from './schema-command.js';
import { generateCommand } from './generate-command.js';
import { migrateCommand } from './migrate-command.js';
import { ConfigError, loadConfig } from '../engine/config.js';
import { knownRuleIds } from '../engine/docs.js';
import { UsageError } from './errors.js';
import { TargetError } from '../engine/target.js';

declare const __CRILINT_VERSION__: string;
const VERSION = typeof __CRILINT_VERSION__ === 'string' ? __CRILINT_VERSION__ : '0.0.0-dev';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  // `crilint lint nodes/ | head`: the reader went away. An I/O problem (exit 2), not a stack trace;
  // stop at once rather than lint the rest of a fleet for nobody.
  if (process.stdout.listenerCount('error') === 0)
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') process.stderr.write(`crilint: cannot write the output: ${e.message}\n`);
      process.exit(2);
    });
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TargetError) {
      // A config file problem is one `file:line:col: message` line per problem, each prefixed.
      const lines = e instanceof ConfigError ? e.message.split('\n') : [e.message];
      process.stderr.write(lines.map((l) => `crilint: ${l}\n`).join(''));
      return 2;
    }
    process.stderr.write(`crilint: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug) {
      let cur: unknown = e;
      while (cur instanceof Error) {
        process.stderr.write(`${cur.stack ?? cur.message}\n`);
        cur = cur.cause;
      }
    } else process.stderr.write('crilint: this is a bug in crilint; run again with --debug for details, and please report it.\n');
    return 3;
  }
}

async function run(argv: string[]): Promise<number> {
  const out = { code: 0 };
  const parser = yargs(argv)
    .scriptName('crilint')
    .usage('$0 <command> [options]')
    .parserConfiguration({ 'greedy-arrays': false })
    .option('color', { type: 'boolean', describe: 'Colour the output (default: on a terminal, unless NO_COLOR is set)' })
    .option('debug', { type: 'boolean', describe: 'Show stack traces for internal errors, and what --cache reused' })
    .command(lintCommand(out))
    .command(
      'rules',
      'List the rules: ID, severity (as configured), fix safety, files, description',
      (y) =>
        y
          .option('format', { choices: ['table', 'json'] as const, default: 'table' as const, describe: 'Output format' })
          .option('config', { type: 'string', requiresArg: true, describe: 'crilint.config.yaml to show severities from' }),
      (a) => {
        const config = loadConfig({ explicit: a.config, cwd: process.cwd(), knownRules: knownRuleIds() });
        process.stdout.write(renderRules({ format: a.format, config }));
      },
    )
    .command(
      'explain <rule>',
      "Print a rule's page: what it checks, why, bad and good examples, how to fix and suppress",
      (y) => y.positional('rule', { type: 'string', demandOption: true, describe: 'Rule ID, e.g. cgroup-driver-mismatch' }),
      (a) => {
        process.stdout.write(explainRule(String(a.rule)));
      },
    )
    .command(generateCommand(out))
    .command(migrateCommand(out))
    .command(schemaCommand())
    .completion('completion', 'Print a bash/zsh completion script (source <(crilint completion))')
    .strict()
    .help()
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // yargs reports its own parse errors (a flag without its value) as a YError.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(`${msg ?? err?.message} (see crilint --help)`);
    });
  await parser.parseAsync();
  return out.code;
}
