/**
 * systemd units under a node root, as systemd finds them (systemd.unit(5)): the first of the unit
 * directories (src/data/docker.ts SYSTEMD_UNIT_DIRS, /etc first) that has the unit file; drop-ins
 * `<unit>.d/*.conf` from all of them, a name in a higher directory hiding the same name below,
 * read in name order after the unit; the EnvironmentFile= files of [Service]. ExecStart= is a list
 * an empty assignment resets; the services read here (dockerd, cri-dockerd, crio: Type=notify)
 * take exactly one, the last one left, parsed into flags with positions after systemd's
 * specifiers (resolveSpecifiers) and variables (expandExecWords).
 *
 * What systemd does with a unit before the program sees it is reported here, at load time, for
 * every component alike (the findings go to LoadContext): assignments it ignores
 * (ignoredAssignments, unknown-key), a service that does not load with other than one ExecStart=
 * (execStartCount) or an unknown specifier (specifierProblems), and an EnvironmentFile= that is not
 * there (envFiles). What the program does with its command line is the components' (src/schema/).
 */
import { posix } from 'node:path';
import { SYSTEMD_UNIT_DIRS } from '../data/docker.js';
import { distance } from '../core/text.js';
import { SYSTEMD_IGNORED_ASSIGNMENT, SYSTEMD_INVALID_HEADER, SYSTEMD_SECTIONS, SYSTEMD_SERVICE_KEYS, SYSTEMD_SPECIFIERS } from '../data/systemd.js';
import { syntaxFinding } from '../parse/common.js';
import { rangeOf, type FileKind, type SourceFile } from '../core/source.js';
import { envOf, expandVariables, isEnvName, parseEnvFile, parseFlagWords, splitWords, type EnvAssignment, type EnvFile, type FlagParseOptions, type FlagToken, type Word } from '../parse/flags.js';
import { listSetting, parseUnitFile, type UnitAssignment, type UnitFile } from '../parse/unit.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';

export interface ExecCommand {
  assignment: UnitAssignment;
  binary: Word | null;
  /** The words after the binary, `$VAR` words expanded. */
  words: Word[];
  flags: FlagToken[];
  /** Words that are not flags. */
  positionals: Word[];
  /** Each `${NAME}` that systemd substituted inside a word (one argument, whitespace kept), in order. */
  braced: BracedReference[];
}

/** A `${NAME}` reference on a command line (systemd substitutes its value as is, without splitting). */
export interface BracedReference {
  /** The ExecStart= word that holds it, as written. */
  word: Word;
  name: string;
  /** The assignment systemd takes the value from; null when the variable is unset (an empty string). */
  value: EnvAssignment | null;
  /** When the reference is the whole word, the argument it became (the value alone); null inside a longer word. */
  argument: Word | null;
}

export interface Unit {
  name: string;
  /** The unit file first (when there is one), then its drop-ins in the order systemd reads them. */
  files: UnitFile[];
  /** The EnvironmentFile= files of the [Service] section that could be read, in order (later ones win). */
  env: EnvFile[];
}

/** ExecStart= prefixes (systemd.service(5) "Command lines"): `-`, `@`, `:`, `+`, `!`, `!!`. */
const EXEC_PREFIX = /^[-@:+!]+/;

/** The command a service runs: its last ExecStart= after resets, split into words and flags. */
export function execStart(unit: Unit | null, opts: FlagParseOptions = {}): ExecCommand | null {
  if (!unit) return null;
  const list = listSetting(unit.files, 'Service', 'ExecStart');
  const a = list[list.length - 1];
  if (!a) return null;
  const prefix = EXEC_PREFIX.exec(a.value)?.[0].length ?? 0;
  const written = splitWords(a.value.slice(prefix), a.valueOffsets.slice(prefix), a.file, 'ExecStart').map((w) => resolveSpecifiers(w, unit.name).word);
  // A `:` prefix turns variable substitution off (systemd.service(5) "Command lines").
  const expanded = a.value.slice(0, prefix).includes(':') ? { words: written, braced: [] } : expandExecWords(written, unitEnvironment(unit));
  const [binary, ...rest] = expanded.words;
  const args = parseFlagWords(rest, opts);
  return { assignment: a, binary: binary ?? null, words: rest, flags: args.flags, positionals: args.positionals, braced: expanded.braced };
}

/**
 * Unit specifiers in a word (data SYSTEMD_SPECIFIERS): `%t` is /run, `%%` a `%`, `%n`/`%N`/`%p` the
 * unit's name; the host's (`%H`, `%m`, …) stay as written; `bad` lists the offsets of letters systemd
 * does not have (the unit then does not load). A substituted value's characters point at the
 * specifier written.
 */
export function resolveSpecifiers(w: Word, unitName: string): { word: Word; bad: number[] } {
  if (!w.text.includes('%')) return { word: w, bad: [] };
  const dot = unitName.lastIndexOf('.');
  const base = dot > 0 ? unitName.slice(0, dot) : unitName;
  const at = base.indexOf('@');
  const names: Record<string, string> = { n: unitName, N: base, p: at >= 0 ? base.slice(0, at) : base };
  let text = '';
  const offsets: number[] = [];
  const bad: number[] = [];
  const t = w.text;
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== '%' || i + 1 >= t.length) {
      text += t[i]!;
      offsets.push(w.offsets[i]!);
      continue;
    }
    const c = t[i + 1]!;
    const value = Object.hasOwn(SYSTEMD_SPECIFIERS.fixed, c) ? SYSTEMD_SPECIFIERS.fixed[c]! : Object.hasOwn(names, c) ? names[c]! : null;
    if (value === null) {
      if (!SYSTEMD_SPECIFIERS.known.includes(c)) bad.push(w.offsets[i]!);
      text += t[i]!;
      offsets.push(w.offsets[i]!);
      continue;
    }
    for (let k = 0; k < value.length; k++) offsets.push(w.offsets[k === 0 ? i : i + 1]!);
    text += value;
    i++;
  }
  return { word: { ...w, text, offsets }, bad };
}

/**
 * A specifier systemd does not have in the service's command line (data SYSTEMD_SPECIFIERS): the
 * unit has a fatal error and is not started; in an Environment= word, that assignment is dropped
 * (unitEnvironment drops it too). An invalid-value error at the `%`, once per word.
 */
function specifierProblems(ctx: LoadContext, name: string, files: readonly UnitFile[]): void {
  const exec = listSetting(files, 'Service', 'ExecStart').at(-1);
  const assignments = [...(exec ? [exec] : []), ...listSetting(files, 'Service', 'Environment')];
  for (const a of assignments) {
    const prefix = a.key === 'ExecStart' ? (EXEC_PREFIX.exec(a.value)?.[0].length ?? 0) : 0;
    for (const w of splitWords(a.value.slice(prefix), a.valueOffsets.slice(prefix), a.file, a.key)) {
      const bad = resolveSpecifiers(w, name).bad;
      if (!bad.length) continue;
      const spec = a.file.text.slice(bad[0]!, bad[0]! + 2);
      const eq = w.text.indexOf('=');
      const what =
        a.key === 'ExecStart'
          ? `systemd does not start the unit ("${SYSTEMD_SPECIFIERS.fatal(w.text)}"; "Unit configuration has fatal error, unit will not be started.")`
          : `systemd ignores this assignment ("${SYSTEMD_SPECIFIERS.ignored(w.text)}"), so ${eq > 0 ? w.text.slice(0, eq) : 'the variable'} is not set`;
      ctx.findings.push({
        rule: 'invalid-value',
        severity: 'error',
        message: `${spec} in ${a.key}= of ${name} is not a systemd specifier: ${what}; write %% for a literal %`,
        file: a.file,
        range: rangeOf(a.file, bad[0]!, bad[0]! + 2),
        related: [],
      });
    }
  }
}

/**
 * Environment variables in ExecStart= words, as systemd expands them (src/basic/env-util.c
 * `replace_env_argv`, systemd/systemd main; systemd.service(5) "Command lines"):
 * - a word that is `$NAME` alone becomes the value split into words, quotes removed
 *   (parse/flags.ts splitWords); unset, it becomes no word at all; `$` followed by something that
 *   is no variable name (`$1`, `$-x`) is dropped too ("Invalid environment variable name evaluates
 *   to an empty string");
 * - in any other word (`replace_env_full` without flags), `${NAME}` is replaced by the value as is,
 *   whitespace included, and an unset one by nothing, so the word stays one argument (an empty one
 *   when nothing is left); `$$` is a `$`; `$NAME` inside a word, `${NAME:-x}` and a `${` without its
 *   `}` stay as written.
 * A word that is one `${NAME}` alone takes the value's positions in the file that set it (a fix
 * edits the variable); in a longer word the substituted characters point at the `${NAME}` written.
 */
export function expandExecWords(words: readonly Word[], env: ReadonlyMap<string, EnvAssignment>): { words: Word[]; braced: BracedReference[] } {
  const out: Word[] = [];
  const braced: BracedReference[] = [];
  for (const w of words) {
    const t = w.text;
    if (t[0] === '$' && t[1] !== '{' && t[1] !== '$') {
      const name = t.slice(1);
      if (isEnvName(name)) out.push(...expandVariables(env, [name]));
      continue;
    }
    if (!t.includes('$')) {
      out.push(w);
      continue;
    }
    const whole = /^\$\{([^}:]*)\}$/.exec(t);
    if (whole) {
      const value = env.get(whole[1]!) ?? null;
      const argument: Word = value ? { text: value.value, file: value.file, range: value.valueRange, offsets: value.valueOffsets, end: value.valueRange.end.offset, source: value.name } : { ...w, text: '', offsets: [] };
      braced.push({ word: w, name: whole[1]!, value, argument });
      out.push(argument);
      continue;
    }
    let text = '';
    const offsets: number[] = [];
    for (let i = 0; i < t.length; ) {
      const close = t[i] === '$' && t[i + 1] === '{' ? t.indexOf('}', i + 2) : -1;
      const name = close > 0 ? t.slice(i + 2, close) : null;
      if (name !== null && !name.includes(':')) {
        const value = env.get(name) ?? null;
        braced.push({ word: w, name, value, argument: null });
        const v = value?.value ?? '';
        const first = w.offsets[i]!;
        const last = w.offsets[close]!;
        for (let k = 0; k < v.length; k++) offsets.push(k === v.length - 1 ? last : k === 0 ? first : Math.min(first + 1, last));
        text += v;
        i = close + 1;
      } else {
        text += t[i]!;
        offsets.push(w.offsets[i]!);
        i += t[i] === '$' && t[i + 1] === '$' ? 2 : 1;
      }
    }
    out.push({ ...w, text, offsets });
  }
  return { words: out, braced };
}

/** The last occurrence of a flag by any of its names (`host`, `H`). */
export function flagOf(cmd: ExecCommand | null, ...names: string[]): FlagToken | null {
  if (!cmd) return null;
  for (let i = cmd.flags.length - 1; i >= 0; i--) if (names.includes(cmd.flags[i]!.name)) return cmd.flags[i]!;
  return null;
}

const environmentMemo = new WeakMap<Unit, Map<string, EnvAssignment>>();

/**
 * The variables a service sees (systemd.exec(5)): `Environment=` assignments of [Service] (a list of
 * `NAME=value` words, quotes allowed around a whole word; later ones win; an empty one clears the
 * list), then the EnvironmentFile= files, which override them. A word without `=` or with an
 * invalid name is dropped, as systemd does. The value range of an Environment= word covers the value
 * only (not a quote around the whole word), so rewriting it keeps the quotes balanced. Computed
 * once per unit (ExecStart= expansion and the CRI-O and kubelet models all ask).
 */
export function unitEnvironment(unit: Unit): Map<string, EnvAssignment> {
  const known = environmentMemo.get(unit);
  if (known) return known;
  const env = new Map<string, EnvAssignment>();
  environmentMemo.set(unit, env);
  for (const a of listSetting(unit.files, 'Service', 'Environment')) {
    for (const written of splitWords(a.value, a.valueOffsets, a.file, 'Environment')) {
      const resolved = resolveSpecifiers(written, unit.name);
      // systemd drops an assignment with a specifier it does not have (specifierProblems says so).
      if (resolved.bad.length) continue;
      const w = resolved.word;
      const k = w.text.indexOf('=');
      if (k <= 0) continue;
      const name = w.text.slice(0, k);
      if (!isEnvName(name)) continue;
      const value = w.text.slice(k + 1);
      const valueOffsets = w.offsets.slice(k + 1);
      const vs = valueOffsets[0] ?? w.offsets[k]! + 1;
      const ve = valueOffsets.length ? valueOffsets[valueOffsets.length - 1]! + 1 : vs;
      const range = w.range;
      env.set(name, { file: a.file, name, value, valueOffsets, valid: true, range, nameRange: rangeOf(a.file, w.offsets[0]!, w.offsets[k - 1]! + 1), valueRange: rangeOf(a.file, vs, ve), line: range.start.line });
    }
  }
  for (const [name, a] of envOf(unit.env)) env.set(name, a);
  return env;
}

const unitDirsMemo = new WeakMap<LoadContext, string[]>();

/**
 * The unit directories the node root has: nothing lies under one that is not there, so lookups are
 * made in these only. Once per node set (the Docker, CRI-O and kubelet models all ask).
 */
export function unitDirsOf(ctx: LoadContext): string[] {
  let dirs = unitDirsMemo.get(ctx);
  if (!dirs) unitDirsMemo.set(ctx, (dirs = SYSTEMD_UNIT_DIRS.filter((d) => ctx.isDir(ctx.hostPath(d)))));
  return dirs;
}

export function loadUnitFile(ctx: LoadContext, host: string): UnitFile | null {
  const source = ctx.read(host, 'systemd-unit');
  if (!source || unusable(source)) return null;
  const u = parseUnitFile(source);
  ctx.addComments(source, u.comments);
  ignoredAssignments(ctx, u);
  return u;
}

/**
 * The [Service] key of SYSTEMD_SERVICE_KEYS one edit away from `key` (a letter added, dropped,
 * changed, or two next to each other swapped; any case), for keys of 6 letters or more: `Enviroment`, `ExecStar`. No [Service] key of
 * systemd 252 is one edit from one of these (test/units.test.ts reads systemd's own key table), so
 * such a key is a misspelling systemd ignores.
 */
function oneEditFrom(key: string): string | undefined {
  if (key.length < 6) return undefined;
  const k = key.toLowerCase();
  for (const [lower, name] of SERVICE_KEYS) if (Math.abs(lower.length - k.length) <= 1 && distance(lower, k) === 1) return name;
  return undefined;
}

/** Where an assignment's line starts (a fix inserts a line before it there). */
function lineStartOf(a: UnitAssignment): number {
  return a.file.lineStarts[a.range.start.line - 1]!;
}

const checkedUnits = new WeakSet<SourceFile>();
const SERVICE_KEYS = new Map(SYSTEMD_SERVICE_KEYS.keys.map((k) => [k.toLowerCase(), k]));

/**
 * Assignments systemd ignores while the unit still loads (data SYSTEMD_IGNORED_ASSIGNMENT), so the
 * setting someone meant to make is not made: `unknown-key` errors.
 * - Before any `[Section]` header (a drop-in without its `[Service]` line, the usual case): one
 *   finding a file, at the first; when each of them is a [Service] key, the unsafe fix adds the
 *   `[Service]` header above it (unsafe: the settings then apply).
 * - A [Service] key (data SYSTEMD_SERVICE_KEYS) in [Unit] or [Install].
 * - A [Service] key written in another case (`execstart`) or one edit away (`Enviroment`): unsafe
 *   fix to the key's spelling.
 * - A section written in another case (`[service]`): systemd ignores the section; unsafe fix too.
 */
function ignoredAssignments(ctx: LoadContext, u: UnitFile): void {
  // A unit file two models load (the same SourceFile) is checked once.
  if (checkedUnits.has(u.file)) return;
  checkedUnits.add(u.file);
  unreadLines(ctx, u);
  const outside = u.assignments.filter((a) => a.section === '');
  if (outside.length) {
    const a = outside[0]!;
    const service = outside.every((x) => SERVICE_KEYS.get(x.key.toLowerCase()) === x.key);
    const lineStart = lineStartOf(a);
    ctx.findings.push({
      rule: 'unknown-key',
      severity: 'error',
      message: `${a.key}= comes before any [Section] header${outside.length > 1 ? ` (and ${outside.length - 1} more assignment${outside.length > 2 ? 's' : ''} after it)` : ''}: systemd ignores ${outside.length > 1 ? 'them' : 'it'} ("${SYSTEMD_IGNORED_ASSIGNMENT.outside}") and the unit loads without ${outside.length > 1 ? 'them' : 'it'}; ${service ? 'put a [Service] line above' : 'put the section header above'}`,
      file: a.file,
      range: a.keyRange,
      related: [],
      ...(service ? { fix: { safety: 'unsafe' as const, description: 'add the [Service] header above the settings', changes: [{ file: a.file, edits: [{ start: lineStart, end: lineStart, text: '[Service]\n' }] }] } } : {}),
    });
  }
  for (const sec of u.sections) {
    const known = SYSTEMD_SECTIONS.names.find((n) => n.toLowerCase() === sec.name.toLowerCase());
    if (!known || known === sec.name) continue;
    ctx.findings.push({
      rule: 'unknown-key',
      severity: 'error',
      message: `[${sec.name}] is not a section systemd knows: section names are case-sensitive, and it ignores this one and every setting in it ("${SYSTEMD_IGNORED_ASSIGNMENT.section(sec.name)}"); the section is [${known}]`,
      file: u.file,
      range: sec.range,
      related: [],
      fix: { safety: 'unsafe', description: `write [${known}]`, changes: [{ file: u.file, edits: [{ start: sec.range.start.offset, end: sec.range.end.offset, text: known }] }] },
    });
  }
  for (const a of u.assignments) {
    const known = SERVICE_KEYS.get(a.key.toLowerCase()) ?? (a.section === 'Service' ? oneEditFrom(a.key) : undefined);
    if (!known) continue;
    if ((a.section === 'Unit' || a.section === 'Install') && known === a.key) {
      ctx.findings.push({ rule: 'unknown-key', severity: 'error', message: `${a.key}= is a [Service] setting: in [${a.section}] systemd ignores it ("${SYSTEMD_IGNORED_ASSIGNMENT.unknown(a.key, a.section)}"); move it below a [Service] line`, file: a.file, range: a.keyRange, related: [] });
    } else if (a.section === 'Service' && known !== a.key) {
      ctx.findings.push({
        rule: 'unknown-key',
        severity: 'error',
        message: `unknown key ${a.key} in [Service]: ${known.toLowerCase() === a.key.toLowerCase() ? "systemd's keys are case-sensitive, and it" : 'systemd'} ignores this one ("${SYSTEMD_IGNORED_ASSIGNMENT.unknown(a.key, a.section)}"); the key is ${known}`,
        file: a.file,
        range: a.keyRange,
        related: [],
        fix: { safety: 'unsafe', description: `write ${known}`, changes: [{ file: a.file, edits: [{ start: a.keyRange.start.offset, end: a.keyRange.end.offset, text: known }] }] },
      });
    }
  }
}

/**
 * Lines systemd cannot read (`syntax` errors, like a sysctl.d line that is no assignment):
 * - an invalid section header (`[Service`, `[Service] # kubeadm`), where systemd stops reading the
 *   file (data SYSTEMD_INVALID_HEADER): in the unit file the unit does not load at all, in a drop-in
 *   nothing below it applies;
 * - a line with no `=` in a section systemd reads (in an unknown or `X-` section it is silent, as
 *   systemd is); before any section it is ignored like an assignment there.
 */
function unreadLines(ctx: LoadContext, u: UnitFile): void {
  for (const l of u.noEquals) {
    if (l.section !== '' && !SYSTEMD_SECTIONS.names.includes(l.section)) continue;
    const quoted = l.section === '' ? SYSTEMD_IGNORED_ASSIGNMENT.outside : SYSTEMD_IGNORED_ASSIGNMENT.noEquals;
    ctx.findings.push(syntaxFinding(u.file, l.range.start.offset, l.range.end.offset, `not a setting: "${l.text}" has no "="; systemd ignores the line ("${quoted}") and loads the unit without it (a setting is Key=value)`));
  }
  const bad = u.invalidHeader;
  if (!bad) return;
  const quoted = SYSTEMD_INVALID_HEADER.message(bad.text);
  const why = isDropIn(u)
    ? `systemd stops reading this drop-in here ("${quoted}"), so no line below it applies`
    : `systemd does not load ${posix.basename(u.file.path)} ("${quoted}", then "${SYSTEMD_INVALID_HEADER.unitFails}"), so the service does not start`;
  ctx.findings.push(syntaxFinding(u.file, bad.range.start.offset, bad.range.end.offset, `invalid section header "${bad.text}": ${why}; a header is the section name in brackets alone on its line ([Service])`));
}

/**
 * A unit under the node root: the unit file from the first of `unitDirs` (the unit directories the node has) that has it, and the drop-ins.
 * A unit file linked to /dev/null is masked (systemctl mask): the service never starts, so the unit
 * counts as absent.
 */
export function loadUnit(ctx: LoadContext, name: string, unitDirs: readonly string[], envKind: FileKind = 'systemd-unit'): Unit | null {
  const files: UnitFile[] = [];
  for (const dir of unitDirs) {
    const host = ctx.hostPath(posix.join(dir, name));
    if (!ctx.isRegular(host)) continue;
    if (ctx.diskPath(host) === '/dev/null') return null;
    const f = loadUnitFile(ctx, host);
    if (f) files.push(f);
    break;
  }
  const dropIns = new Map<string, string>();
  for (const dir of unitDirs) {
    const d = ctx.hostPath(posix.join(dir, `${name}.d`));
    for (const n of ctx.list(d)) if (n.endsWith('.conf') && !dropIns.has(n)) dropIns.set(n, `${d}/${n}`);
  }
  for (const n of [...dropIns.keys()].sort()) {
    const host = dropIns.get(n)!;
    if (!ctx.isRegular(host)) continue;
    const f = loadUnitFile(ctx, host);
    if (f) files.push(f);
  }
  if (files.length && name.endsWith('.service')) {
    execStartCount(ctx, name, files);
    specifierProblems(ctx, name, files);
  }
  return files.length ? { name, files, env: envFiles(ctx, name, files, envKind) } : null;
}

/**
 * A service other than Type=oneshot has exactly one ExecStart= after the resets, or systemd refuses
 * to load the unit (src/core/service.c `service_verify`: "Service has more than one ExecStart=
 * setting, which is only allowed for Type=oneshot services. Refusing.", and "Service has no
 * ExecStart=, ExecStop=, or SuccessAction=. Refusing."; systemd-analyze verify says the same), so
 * the program never starts. The usual cause is a drop-in that adds a command without an empty
 * `ExecStart=` first; the fix (unsafe: the drop-in's command then runs) inserts that line. Without
 * the unit file in the root (drop-ins only), the packaged unit's own ExecStart= counts as one.
 */
function execStartCount(ctx: LoadContext, name: string, files: readonly UnitFile[]): void {
  const type = listSetting(files, 'Service', 'Type').at(-1)?.value ?? 'simple';
  if (type === 'oneshot') return;
  const packaged = isDropIn(files[0]!);
  let list: (UnitAssignment | null)[] = packaged ? [null] : [];
  let reset: UnitAssignment | null = null;
  for (const f of files)
    for (const a of f.assignments) {
      if (a.section !== 'Service' || a.key !== 'ExecStart') continue;
      if (a.value === '') {
        list = [];
        reset = a;
      } else list.push(a);
    }
  const refusing = 'systemd refuses to load the unit, so the service never starts';
  if (list.length > 1) {
    const extra = list[1]!;
    const first = list[0];
    // A drop-in whose first command follows no reset of its own: an empty ExecStart= before it is what was meant.
    const file = files.find((f) => f.file === extra.file)!;
    const own = file.assignments.filter((a) => a.section === 'Service' && a.key === 'ExecStart');
    const fixable = isDropIn(file) && own[0] === extra && files.indexOf(file) > files.findIndex((f) => f.file === first?.file);
    const lineStart = lineStartOf(extra);
    ctx.findings.push({
      rule: 'invalid-value',
      severity: 'error',
      message: `a second ExecStart= for ${name}${first ? '' : ' (the packaged unit, not in this node root, has its own)'}: ${refusing} ("Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."); a drop-in that replaces the command clears it first with an empty ExecStart= line`,
      file: extra.file,
      range: extra.range,
      related: first ? [{ file: first.file, range: first.range, message: 'the first ExecStart=' }] : [],
      ...(fixable ? { fix: { safety: 'unsafe' as const, description: `clear the command with an empty ExecStart= before this one`, changes: [{ file: extra.file, edits: [{ start: lineStart, end: lineStart, text: 'ExecStart=\n' }] }] } } : {}),
    });
  } else if (list.length === 0 && !listSetting(files, 'Service', 'ExecStop').length && !listSetting(files, 'Service', 'SuccessAction').length) {
    const at = reset ?? null;
    ctx.findings.push({
      rule: 'invalid-value',
      severity: 'error',
      message: `${name} has no ExecStart=${at ? ' left after this empty one, which clears the command' : ''}: ${refusing} ("Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.")`,
      file: at ? at.file : files[0]!.file,
      range: at ? at.range : rangeOf(files[0]!.file, 0, 0),
      related: [],
    });
  }
}

/**
 * EnvironmentFile= of [Service] (a list), read inside the root. Loose units get none. A file that is
 * not there fails the service unless the path has the `-` prefix (systemd.exec(5) EnvironmentFile=;
 * systemd logs "Failed to load environment files: No such file or directory" and the unit does not
 * start): an `invalid-value` error at the path. So is a path that is not absolute (after the
 * specifiers): systemd ignores it ("EnvironmentFile= path is not absolute, ignoring: …", systemd
 * 252); the unsafe fix makes it absolute. Globs are not expanded.
 */
function envFiles(ctx: LoadContext, unitName: string, files: readonly UnitFile[], kind: FileKind): EnvFile[] {
  if (ctx.root === null) return [];
  const out: EnvFile[] = [];
  for (const a of listSetting(files, 'Service', 'EnvironmentFile')) {
    const optional = a.value.startsWith('-');
    const raw = optional ? a.value.slice(1) : a.value;
    const at = optional ? 1 : 0;
    const path = resolveSpecifiers({ text: raw, file: a.file, range: a.valueRange, offsets: a.valueOffsets.slice(at), end: a.valueRange.end.offset, source: a.key }, unitName).word.text;
    if (!path.startsWith('/')) {
      const start = a.valueOffsets[at]!;
      ctx.findings.push({
        rule: 'invalid-value',
        severity: 'error',
        message: `EnvironmentFile=${a.value} is not an absolute path: systemd ignores the setting ("EnvironmentFile= path is not absolute, ignoring: ${raw}"), so ${unitName} runs without the variables the file sets; write ${optional ? '-' : ''}/${raw}`,
        file: a.file,
        range: a.valueRange,
        related: [],
        // Unsafe: the file's variables then apply.
        fix: { safety: 'unsafe', description: `write ${optional ? '-' : ''}/${raw}`, changes: [{ file: a.file, edits: [{ start, end: start, text: '/' }] }] },
      });
      continue;
    }
    const host = ctx.hostPath(path);
    if (!ctx.isRegular(host)) {
      if (!optional && !/[*?[]/.test(path) && !ctx.exists(host)) {
        ctx.findings.push({
          rule: 'invalid-value',
          severity: 'error',
          message: `EnvironmentFile=${path} does not exist in this node root: systemd does not start ${unitName} ("Failed to load environment files: No such file or directory"); write EnvironmentFile=-${path} if the file is optional`,
          file: a.file,
          range: a.valueRange,
          related: [],
        });
      }
      continue;
    }
    const src = ctx.read(host, kind);
    if (!src || unusable(src)) continue;
    const e = parseEnvFile(src);
    ctx.findings.push(...e.findings);
    ctx.addComments(src, e.comments);
    out.push(e);
  }
  return out;
}

/** Every file a unit was read from: the unit file and drop-ins, then its EnvironmentFile= files; none for no unit. */
export function unitSources(unit: Unit | null): SourceFile[] {
  return unit ? [...unit.files.map((f) => f.file), ...unit.env.map((e) => e.file)] : [];
}

export function isDropIn(f: UnitFile): boolean {
  return posix.basename(posix.dirname(f.file.path)).endsWith('.d');
}
