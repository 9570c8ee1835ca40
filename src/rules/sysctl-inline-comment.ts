/**
 * sysctl-inline-comment: sysctl.d (and /etc/sysctl.conf) have whole-line comments only, so text
 * such as `# on` after a value is written to the kernel as part of it (systemd-sysctl and procps
 * alike; verified with systemd 252: "Setting '/proc/sys/net/ipv4/ip_forward' to '1 # on'").
 *
 * What happens then depends on the key (verified on Linux 6.18, data/kernel.ts KERNEL_INT_PARSE):
 * - an integer key takes the leading number when a blank follows it: `1 # on` sets 1. Harmless
 *   today, fragile (drop the blank and it fails) and misleading: a warning;
 * - `1#on` (no blank) is rejected with EINVAL: the setting is lost and systemd-sysctl.service
 *   fails ("Couldn't write '1#on' to 'net/ipv4/ip_forward': Invalid argument"): an error;
 * - a text key (kernel.core_pattern, net.core.default_qdisc, …) stores or rejects the whole text: an error.
 * `;` counts as a comment marker after a blank (INI habit). `value # crilint-disable-line …` is left
 * to unused-suppression, which reports it already. No autofix: moving the comment to a line of its
 * own needs an insert-line edit that src/fix does not offer yet, and dropping it would lose it.
 */
import { rangeOf } from '../core/source.js';
import { defineRule } from '../engine/rule.js';
import type { SysctlEntry } from '../model/sysctl.js';
import { kernelInt } from './shared/kernel.js';

export default defineRule({
  meta: {
    id: 'sysctl-inline-comment',
    description: 'Text after a sysctl value, such as "# on", is not a comment: sysctl.d has whole-line comments only, so the kernel gets it as part of the value',
    severity: 'error',
    files: ['sysctl'],
  },
  check(ctx) {
    const m = ctx.node.sysctl;
    if (!m) return;
    const seen = new Set<SysctlEntry>();
    for (const e of [...m.entries, ...m.procps.entries]) {
      if (seen.has(e)) continue;
      seen.add(e);
      if (e.kind !== 'assign' || e.value === null || !e.valueRange) continue;
      const at = e.value.search(/#|(?<=[ \t]);/);
      if (at < 0) continue;
      const comment = e.value.slice(at);
      const spaced = at > 0 && /[ \t]/.test(e.value[at - 1]!);
      if (spaced && /^#[ \t]*crilint-/.test(comment)) continue;
      const before = e.value.slice(0, at).trimEnd();
      const numeric = before !== '' && before.split(/[ \t]+/).every((w) => kernelInt(w) !== null);
      const writer = m.entries.includes(e) ? 'systemd-sysctl' : '"sysctl --system"';
      const range = rangeOf(e.file, e.valueRange.start.offset + at, e.valueRange.end.offset);
      const head = `"${comment}" is part of the value: sysctl.d has no inline comments, so ${writer} writes "${e.value}" to ${e.key}`;
      const move = 'put the comment on a line of its own above';
      if (spaced && numeric) {
        ctx.report({
          file: e.file,
          range,
          severity: 'warning',
          message: `${head}; the kernel reads the number${/[ \t]/.test(before) ? 's' : ''} before it and ignores the rest, but one dropped blank ("${before}${comment}") makes the write fail; ${move}`,
        });
      } else if (numeric) {
        ctx.report({
          file: e.file,
          range,
          message: `${head}, which the kernel rejects ("Couldn't write '${e.value}' to '${e.path}': Invalid argument")${e.ignoreFailure ? '' : `, so ${writer === 'systemd-sysctl' ? 'systemd-sysctl.service fails' : 'it exits with an error'}`} and ${e.key} keeps its previous value; ${move}`,
        });
      } else {
        ctx.report({
          file: e.file,
          range,
          message: `${head}: a text setting stores the comment as part of its value, and a numeric one rejects the write (Invalid argument); ${move}`,
        });
      }
    }
  },
});
