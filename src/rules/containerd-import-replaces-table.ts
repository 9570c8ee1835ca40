/**
 * containerd-import-replaces-table: on containerd 1.x, a `[plugins."<id>"]` table of an imported
 * file replaces the whole table of the same plugin from the files merged before it, so every key
 * the earlier table set and the later one does not repeat is dropped and takes its default
 * (shared/import-drops.ts has the merge and its sources). Keys whose value is the default anyway
 * are not counted. containerd 2.x merges plugin tables key by key: not checked there.
 * No fix: whether the drop-in was meant to add to the table or to replace it is the author's call,
 * and either way the node runs differently afterwards.
 */
import { fmtKeyPath } from '../data/lookup.js';
import { defineRule } from '../engine/rule.js';
import { targetText } from './shared/containerd.js';
import { importDrops } from './shared/import-drops.js';
import { nodeSpot } from './shared/runc.js';

/** How many dropped keys the message names (the related locations give every one). */
const NAMED = 4;

export default defineRule({
  meta: {
    id: 'containerd-import-replaces-table',
    description: 'On containerd 1.x, a plugin table in an imported file replaces the whole table of an earlier file, dropping every key it does not repeat',
    severity: 'error',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    for (const { id, winner, dropped } of importDrops(model, ctx.target)) {
      const names = dropped.map((d) => fmtKeyPath(d.rel));
      const named = names.length <= NAMED ? joinAnd(names) : `${names.slice(0, NAMED).join(', ')} and ${names.length - NAMED} more`;
      const files = [...new Set(dropped.map((d) => d.node.file.display))];
      ctx.report({
        ...nodeSpot(winner),
        message:
          `[${fmtKeyPath(['plugins', id])}] in ${winner.file.display} replaces the whole table that ${joinAnd(files)} ${files.length > 1 ? 'declare' : 'declares'}, ` +
          `so ${targetText(ctx.target)} drops ${named} set there and uses ${names.length === 1 ? 'its default' : 'their defaults'}: ` +
          'containerd 1.x merges an imported file by replacing each plugin table it declares (2.0 merges them key by key); ' +
          `repeat ${names.length === 1 ? 'that key' : 'those keys'} in this table, or set the plugin in one file`,
        related: dropped.map((d) => ({
          file: d.node.file,
          range: { start: d.keyRange.start, end: d.node.range.end },
          message: `${fmtKeyPath(d.rel)} is set here and dropped`,
        })),
      });
    }
  },
});

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
