/**
 * The edits that change a CRI-O setting where it is decided (the command line's flag or variable
 * wins over the files, model/crio.ts).
 */
import type { FileChange } from '../../core/types.js';
import { FixBuildError, lines, toml } from '../../fix/index.js';
import type { CrioSetting } from '../../model/crio.js';

/**
 * The edits that make CRI-O run with `value`: the flag rewritten (`--cgroup-manager=systemd`) or the
 * variable's value replaced, and a file assignment of another value too, so the files say what the
 * node does. Throws FixBuildError (tryFix) when the flag cannot be rewritten in place; [] when
 * nothing is set (the caller adds the key).
 */
export function crioSetTo(s: CrioSetting, flagName: string, value: string): FileChange[] {
  const out: FileChange[] = [];
  const c = s.cli;
  if (c?.flag) {
    if (c.flag.valueFile !== null && c.flag.valueFile !== c.flag.file) throw new FixBuildError(`${c.text} spans two variables; edit it by hand`);
    out.push(lines.setFlag(c.flag.file, c.flag.range, flagName, value));
  } else if (c?.env) out.push(lines.setValue(c.env.file, c.env.valueRange, value));
  if (s.node && s.node.value !== value) out.push(toml.setValue(s.node, value));
  return out;
}
