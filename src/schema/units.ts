/**
 * What systemd's variable expansion does to a service's command line (model/units.ts
 * expandExecWords), said the same way for every component that reads one: a `${NAME}` whose value
 * has blanks is one argument, and an unset `${NAME}` alone is an empty argument, which every CRI
 * component refuses as a stray word.
 */
import type { Finding } from '../core/types.js';
import type { Word } from '../parse/flags.js';
import type { ExecCommand } from '../model/units.js';

/**
 * The start of a message about a word that is not a flag, `where` being e.g. "dockerd's command
 * line (docker.service)": `"foo" on … is not a flag`, or, for the empty argument an unset (or
 * empty) `${NAME}` alone leaves, what systemd did.
 */
export function strayWord(cmd: ExecCommand | null, w: Word, where: string): string {
  const b = cmd && w.text === '' ? cmd.braced.find((r) => r.argument === w) : undefined;
  if (b) return `\${${b.name}} on ${where} is ${b.value ? 'empty' : 'unset'}, so systemd passes an empty argument in its place ($${b.name} as a word of its own would give none)`;
  return `"${w.text}" on ${where} is not a flag`;
}

/**
 * `${NAME}` references whose value has blanks in it: systemd substitutes the value as is, so the
 * program gets one argument with the blanks inside (`--a=1 --b=2` is the flag `a` with the value
 * `1 --b=2`). `$NAME` as a word of its own is split into words. A warning at the reference, with
 * the assignment as the related location.
 */
export function bracedProblems(cmd: ExecCommand | null, program: string, unit: string): Finding[] {
  const out: Finding[] = [];
  for (const b of cmd?.braced ?? []) {
    const v = b.value?.value ?? '';
    if (!/[ \t\n\r]/.test(v.trim())) continue;
    const words = v.trim().split(/[ \t\n\r]+/);
    out.push({
      rule: 'invalid-value',
      severity: 'warning',
      message: `\${${b.name}} on ${program}'s command line (${unit}) is substituted as one argument, blanks included: ${program} gets "${v}" as a single word, not the ${words.length} words it looks like${b.argument ? `; write $${b.name} (no braces) for systemd to split it into words` : ''}`,
      file: b.word.file,
      range: b.word.range,
      related: [{ file: b.value!.file, range: b.value!.valueRange, message: `${b.name} is set here` }],
      // Unsafe: the program then gets the words, which is what they look like, not what it gets now.
      ...(b.argument ? { fix: { safety: 'unsafe' as const, description: `write $${b.name} instead of \${${b.name}} (systemd splits it into words)`, changes: [{ file: b.word.file, edits: [{ start: b.word.range.start.offset, end: b.word.range.end.offset, text: `$${b.name}` }] }] } } : {}),
    });
  }
  return out;
}
