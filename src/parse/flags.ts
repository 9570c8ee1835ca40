/**
 * systemd EnvironmentFile= files and the command-line flags they carry.
 *
 * Three steps, each as its consumer does it, and each keeping source offsets so every flag,
 * name and value has an exact range:
 * 1. `parseEnvFile`: the EnvironmentFile= syntax, mirroring systemd's state machine in
 *    src/basic/env-file.c `parse_env_file_internal` (systemd/systemd @ 0002453b):
 *    - lines starting (after blanks) with `#` or `;` are comments; a `#` later in a line is
 *      part of the value (there are no trailing comments);
 *    - `KEY=value`: blanks around the key and leading blanks of the value are dropped, trailing
 *      blanks of an unquoted value too; quotes after the first character of an unquoted value are
 *      kept verbatim (`KEY=--a="b c"` keeps the quotes);
 *    - a backslash escapes the next character in an unquoted value, and a backslash before a
 *      newline continues the value on the next line (the newline is dropped);
 *    - `'...'` is taken verbatim and may span lines; `"..."` may span lines, `\"`, `\\`, `` \` ``,
 *      `\$` lose their backslash, `\<newline>` is a continuation, any other `\x` stays as is;
 *    - quoted and unquoted pieces concatenate (`KEY="a b"c` is `a bc`); blanks between them vanish;
 *    - a line without `=` is dropped silently; since v254 a trailing backslash does not continue
 *      a comment line (env-file.c COMMENT_ESCAPE);
 *    - names must be valid environment names (letters, digits, `_`, not starting with a digit,
 *      src/basic/env-util.c `env_name_is_valid`), else the service manager logs
 *      "Ignoring invalid environment assignment" and drops them (src/core/execute.c `invalid_env`,
 *      via `strv_env_clean_with_callback`) — so `export KEY=...` is ignored;
 *    - a later assignment of the same name wins (`strv_env_replace_consume`), and of several
 *      EnvironmentFile= lines the later file wins (systemd.exec(5) EnvironmentFile=).
 * 2. `splitWords`: how ExecStart= expands an unquoted `$VAR` standing as a word of its own: the
 *    value is split at whitespace with quotes respected and removed (src/basic/env-util.c
 *    `replace_env_argv` → `strv_split_full(..., WHITESPACE, EXTRACT_RELAX|EXTRACT_UNQUOTE)`;
 *    src/basic/extract-word.c `extract_first_word`): `'`/`"` group and are removed, a backslash
 *    (quoted or not) is dropped and the next character kept, an unbalanced quote ends the word at
 *    the end of the value (EXTRACT_RELAX). `${VAR}` (substituted without splitting) and the other
 *    rules of ExecStart= expansion are in model/units.ts expandExecWords.
 * 3. `parseFlagWords`: spf13/pflag's parsing as the kubelet uses it: `--name=value`,
 *    `--name value` (a non-boolean flag takes the next word whatever it is), bare boolean
 *    `--name`; `--` ends the flags; `_` in names is `-` (component-base `WordSepNormalizeFunc`);
 *    the last occurrence of a flag wins for scalar flags (pflag calls Set once per occurrence).
 *    A boolean flag never takes the next word: `--fail-swap-on false` leaves `false` as a
 *    positional argument, and the kubelet then fails with `unknown command false`
 *    (kubernetes cmd/kubelet/app/server.go: `cleanFlagSet.Args()` non-empty →
 *    `fmt.Errorf("unknown command %+s", cmds[0])`).
 *
 * Usable alone: CRI-O and cri-dockerd units reuse these for their EnvironmentFile= and ExecStart=.
 */
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Finding, Range } from '../core/types.js';
import { syntaxFinding, type Comment } from './common.js';

/** systemd's WHITESPACE and NEWLINE sets (src/basic/string-util.h). */
const WHITESPACE = ' \t\n\r';
const NEWLINE = '\n\r';
/** systemd's COMMENTS (src/basic/string-util.h) and SHELL_NEED_ESCAPE (src/basic/escape.h). */
const COMMENTS = '#;';
const SHELL_NEED_ESCAPE = '"\\`$';

export interface EnvAssignment {
  file: SourceFile;
  /** Variable name as written (trailing blanks removed). */
  name: string;
  /** The value after systemd's unquoting and unescaping. */
  value: string;
  /** Source offset of each character of `value` (same length as `value`). */
  valueOffsets: number[];
  /** The name is a valid environment variable name; systemd drops the assignment otherwise. */
  valid: boolean;
  /** From the first character of the name to the end of the value as written (closing quote included). */
  range: Range;
  nameRange: Range;
  /** The value as written, quotes included; zero-width just after `=` for an empty value. */
  valueRange: Range;
  /** 1-based line of the name. */
  line: number;
}

export interface EnvFile {
  file: SourceFile;
  /** Every assignment in file order, invalid names included (see `valid`). */
  assignments: EnvAssignment[];
  comments: Comment[];
  /** `syntax` findings: lines systemd drops, invalid names, unterminated quotes. */
  findings: Finding[];
}

export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

const enum S {
  PreKey,
  Key,
  PreValue,
  Value,
  ValueEscape,
  SingleQuote,
  DoubleQuote,
  DoubleQuoteEscape,
  Comment,
  CommentEscape,
}

/** Parse an EnvironmentFile= file the way systemd does (see the module comment). Never throws. */
export function parseEnvFile(src: SourceFile): EnvFile {
  const text = src.text;
  const out: EnvFile = { file: src, assignments: [], comments: [], findings: [] };
  let state = S.PreKey;
  let keyStart = -1;
  let keyEnd = -1; // offset after the last non-blank key character
  let key = '';
  let eq = -1;
  let value = '';
  let offs: number[] = [];
  let valStart = -1;
  let valEnd = -1;
  let lastValueWs = -1; // index into value where a trailing run of blanks starts (unquoted value)
  let commentStart = -1;
  let quoteStart = -1;

  const resetKey = () => {
    keyStart = keyEnd = eq = valStart = valEnd = lastValueWs = quoteStart = -1;
    key = value = '';
    offs = [];
  };
  const append = (c: string, at: number) => {
    value += c;
    offs.push(at);
  };
  const push = () => {
    if (lastValueWs >= 0 && state === S.Value) {
      value = value.slice(0, lastValueWs);
      offs = offs.slice(0, lastValueWs);
    }
    const name = key.slice(0, keyEnd - keyStart).replace(/[ \t\n\r]+$/, '');
    const vs = valStart >= 0 ? valStart : eq + 1;
    const ve = valEnd >= 0 ? valEnd : vs;
    const a: EnvAssignment = {
      file: src,
      name,
      value,
      valueOffsets: offs,
      valid: isEnvName(name),
      range: rangeOf(src, keyStart, Math.max(ve, eq + 1)),
      nameRange: rangeOf(src, keyStart, keyEnd),
      valueRange: rangeOf(src, vs, ve),
      line: rangeOf(src, keyStart, keyStart).start.line,
    };
    out.assignments.push(a);
    if (!a.valid) {
      out.findings.push(
        syntaxFinding(src, keyStart, keyEnd, `invalid environment variable name ${JSON.stringify(name)}: systemd ignores this assignment ("Ignoring invalid environment assignment")`),
      );
    }
  };
  const endComment = (end: number) => {
    const body = text.slice(commentStart + 1, end).replace(/\r$/, '');
    const r = rangeOf(src, commentStart, commentStart + 1 + body.length);
    out.comments.push({ text: body, line: r.start.line, range: r, ownLine: true });
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    switch (state) {
      case S.PreKey:
        if (COMMENTS.includes(c)) {
          state = S.Comment;
          commentStart = i;
        } else if (!WHITESPACE.includes(c)) {
          state = S.Key;
          resetKey();
          keyStart = i;
          key = c;
          keyEnd = i + 1;
        }
        break;
      case S.Key:
        if (NEWLINE.includes(c)) {
          const end = text.slice(keyStart, i).replace(/[ \t]+$/, '').length + keyStart;
          out.findings.push(syntaxFinding(src, keyStart, end, `line has no "=": systemd ignores it`));
          state = S.PreKey;
        } else if (c === '=') {
          eq = i;
          state = S.PreValue;
        } else {
          key += c;
          if (!WHITESPACE.includes(c)) keyEnd = i + 1;
        }
        break;
      case S.PreValue:
        if (NEWLINE.includes(c)) {
          push();
          state = S.PreKey;
        } else if (c === "'") {
          if (valStart < 0) valStart = i;
          quoteStart = i;
          state = S.SingleQuote;
        } else if (c === '"') {
          if (valStart < 0) valStart = i;
          quoteStart = i;
          state = S.DoubleQuote;
        } else if (c === '\\') {
          if (valStart < 0) valStart = i;
          valEnd = i + 1;
          state = S.ValueEscape;
        } else if (!WHITESPACE.includes(c)) {
          if (valStart < 0) valStart = i;
          valEnd = i + 1;
          lastValueWs = -1;
          append(c, i);
          state = S.Value;
        }
        break;
      case S.Value:
        if (NEWLINE.includes(c)) {
          push();
          state = S.PreKey;
        } else if (c === '\\') {
          state = S.ValueEscape;
          lastValueWs = -1;
          valEnd = i + 1;
        } else {
          if (!WHITESPACE.includes(c)) {
            lastValueWs = -1;
            valEnd = i + 1;
          } else if (lastValueWs < 0) lastValueWs = value.length;
          append(c, i);
        }
        break;
      case S.ValueEscape:
        state = S.Value;
        if (!NEWLINE.includes(c)) {
          append(c, i);
          valEnd = i + 1;
        }
        break;
      case S.SingleQuote:
        if (c === "'") {
          state = S.PreValue;
          valEnd = i + 1;
        } else append(c, i);
        break;
      case S.DoubleQuote:
        if (c === '"') {
          state = S.PreValue;
          valEnd = i + 1;
        } else if (c === '\\') state = S.DoubleQuoteEscape;
        else append(c, i);
        break;
      case S.DoubleQuoteEscape:
        state = S.DoubleQuote;
        if (SHELL_NEED_ESCAPE.includes(c)) append(c, i);
        else if (c !== '\n') {
          append('\\', i - 1);
          append(c, i);
        }
        break;
      case S.Comment:
        if (c === '\\') state = S.CommentEscape;
        else if (NEWLINE.includes(c)) {
          endComment(i);
          state = S.PreKey;
        }
        break;
      case S.CommentEscape:
        if (NEWLINE.includes(c)) {
          endComment(i);
          state = S.PreKey;
        } else state = S.Comment;
        break;
    }
  }
  switch (state) {
    case S.SingleQuote:
    case S.DoubleQuote:
    case S.DoubleQuoteEscape: {
      valEnd = text.length;
      const f = syntaxFinding(src, quoteStart, quoteStart + 1, `unterminated ${state === S.SingleQuote ? 'single' : 'double'} quote: systemd takes the rest of the file as the value of ${JSON.stringify(key.trim())}`);
      out.findings.push(f);
      push();
      break;
    }
    case S.PreValue:
    case S.Value:
    case S.ValueEscape:
      push();
      break;
    case S.Key: {
      const end = text.replace(/[ \t\r\n]+$/, '').length;
      out.findings.push(syntaxFinding(src, keyStart, Math.max(keyStart, end), `line has no "=": systemd ignores it`));
      break;
    }
    case S.Comment:
    case S.CommentEscape:
      endComment(text.length);
      break;
    default:
      break;
  }
  return out;
}

/**
 * The variables a service sees from EnvironmentFile= files, in the order the unit lists them:
 * later files and later lines win; invalid names are dropped.
 */
export function envOf(files: readonly EnvFile[]): Map<string, EnvAssignment> {
  const env = new Map<string, EnvAssignment>();
  for (const f of files) for (const a of f.assignments) if (a.valid) env.set(a.name, a);
  return env;
}

/** A word of a command line, after unquoting, with where it came from. */
export interface Word {
  text: string;
  file: SourceFile;
  /** The word as written, quotes included. */
  range: Range;
  /** Source offset of each character of `text`. */
  offsets: number[];
  /** Source offset just after the word as written. */
  end: number;
  /** Where the word came from, e.g. the variable name `KUBELET_EXTRA_ARGS`. */
  source: string;
}

/**
 * Split a variable's value into words as ExecStart= does for a `$VAR` word (see the module comment).
 * `offsets[i]` is the source offset of `value[i]`.
 */
export function splitWords(value: string, offsets: readonly number[], file: SourceFile, source = ''): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && WHITESPACE.includes(value[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let text = '';
    const offs: number[] = [];
    let quote = '';
    let backslash = false;
    let last = i; // index of the last character consumed by this word
    for (; i < n; i++) {
      const c = value[i]!;
      if (backslash) {
        text += c;
        offs.push(offsets[i]!);
        backslash = false;
        last = i;
      } else if (quote) {
        last = i;
        if (c === quote) quote = '';
        else if (c === '\\') backslash = true;
        else {
          text += c;
          offs.push(offsets[i]!);
        }
      } else if (c === "'" || c === '"') {
        quote = c;
        last = i;
      } else if (c === '\\') {
        backslash = true;
        last = i;
      } else if (WHITESPACE.includes(c)) break;
      else {
        text += c;
        offs.push(offsets[i]!);
        last = i;
      }
    }
    const s = offsets[start]!;
    const e = offsets[last]! + 1;
    words.push({ text, file, range: rangeOf(file, s, e), offsets: offs, end: e, source });
  }
  return words;
}

/** The words of `$NAME` for each name in order (unset variables give no words), as ExecStart= expands them. */
export function expandVariables(env: ReadonlyMap<string, EnvAssignment>, names: readonly string[]): Word[] {
  const out: Word[] = [];
  for (const name of names) {
    const a = env.get(name);
    if (a) out.push(...splitWords(a.value, a.valueOffsets, a.file, name));
  }
  return out;
}

export interface FlagToken {
  /** Normalised name without dashes (`_` → `-`, as the kubelet's WordSepNormalizeFunc does). */
  name: string;
  /** The flag as written, e.g. `--cgroup_driver` or `-v`. */
  written: string;
  /** The value; null for a bare boolean flag or a flag missing its argument. */
  value: string | null;
  form: 'equals' | 'separate' | 'bare';
  file: SourceFile;
  /** The whole token: `--name=value`, or `--name value` (both words) when in one file. */
  range: Range;
  /** `--name` including the dashes. */
  nameRange: Range;
  /** The value as written (quotes included); null for a bare flag. */
  valueRange: Range | null;
  /** File of the value (differs from `file` only when `--name value` spans two variables from different files). */
  valueFile: SourceFile | null;
  /** Where the token came from (e.g. `KUBELET_EXTRA_ARGS`). */
  source: string;
  /** Position among all flags (0-based); the highest index of a name is the one that wins. */
  index: number;
  /** A non-boolean flag at the end of the command line with no value: pflag fails with "flag needs an argument". */
  missingValue?: boolean;
}

export interface ParsedArgs {
  flags: FlagToken[];
  /** Words that are not flags (the kubelet refuses them: "unknown command"). */
  positionals: Word[];
}

export interface FlagParseOptions {
  /** Normalised names of boolean flags (never take the next word as their value). */
  booleans?: ReadonlySet<string>;
  /**
   * Go's flag package (urfave/cli, so crio) instead of pflag: `-name` means the same as `--name` (no
   * shorthand letters with a value glued on), and names are taken as written (no `_` → `-`).
   */
  go?: boolean;
}

export function normalizeFlagName(name: string): string {
  return name.replace(/_/g, '-');
}

/** Parse words into flags as pflag does (interspersed positionals allowed, `--` ends flags). */
export function parseFlagWords(words: readonly Word[], opts: FlagParseOptions = {}): ParsedArgs {
  const booleans = opts.booleans ?? new Set<string>();
  const go = opts.go === true;
  const flags: FlagToken[] = [];
  const positionals: Word[] = [];
  let ended = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const t = w.text;
    if (ended || t.length < 2 || t[0] !== '-') {
      positionals.push(w);
      continue;
    }
    if (t === '--') {
      ended = true;
      continue;
    }
    const dashes = t.startsWith('--') ? 2 : 1;
    const long = dashes === 2 || go;
    const body = t.slice(dashes);
    if (long && (body === '' || body[0] === '-' || body[0] === '=')) {
      // pflag: "bad flag syntax"
      positionals.push(w);
      continue;
    }
    let rawName: string;
    let value: string | null = null;
    let valueIdx = -1; // index in t where the value starts (after `=`, or after a shorthand letter)
    if (long) {
      const k = body.indexOf('=');
      rawName = k >= 0 ? body.slice(0, k) : body;
      if (k >= 0) {
        valueIdx = dashes + k + 1;
        value = body.slice(k + 1);
      }
    } else {
      rawName = body[0]!;
      const rest = body.slice(1);
      if (rest.startsWith('=')) {
        valueIdx = 3;
        value = rest.slice(1);
      } else if (rest !== '') {
        valueIdx = 2; // `-v4`: the value follows the shorthand letter
        value = rest;
      }
    }
    const name = go ? rawName : normalizeFlagName(rawName);
    const written = `${'-'.repeat(dashes)}${rawName}`;
    const base = { name, written, file: w.file, source: w.source, index: flags.length };
    if (value !== null) {
      const nameEnd = w.offsets[written.length - 1]! + 1;
      // The value as written starts right after the `=` (or the shorthand letter), quotes included.
      const valueStart = w.offsets[valueIdx - 1]! + 1;
      flags.push({
        ...base,
        value,
        form: 'equals',
        range: w.range,
        nameRange: rangeOf(w.file, w.range.start.offset, nameEnd),
        valueRange: rangeOf(w.file, valueStart, w.end),
        valueFile: w.file,
      });
      continue;
    }
    if (booleans.has(name)) {
      flags.push({ ...base, value: null, form: 'bare', range: w.range, nameRange: w.range, valueRange: null, valueFile: null });
      continue;
    }
    const next = words[i + 1];
    if (!next) {
      flags.push({ ...base, value: null, form: 'bare', range: w.range, nameRange: w.range, valueRange: null, valueFile: null, missingValue: true });
      continue;
    }
    i++;
    const same = next.file === w.file;
    flags.push({
      ...base,
      value: next.text,
      form: 'separate',
      range: same ? rangeOf(w.file, w.range.start.offset, next.end) : w.range,
      nameRange: w.range,
      valueRange: next.range,
      valueFile: next.file,
    });
  }
  return { flags, positionals };
}

/** The winning (last) occurrence of a flag, by normalised name. */
export function lastFlag(flags: readonly FlagToken[], name: string): FlagToken | null {
  for (let i = flags.length - 1; i >= 0; i--) if (flags[i]!.name === name) return flags[i]!;
  return null;
}

/**
 * The kubelet's boolean flags (normalised names). Sources: kubernetes cmd/kubelet/app/options/options.go
 * (`KubeletFlags.AddFlags`, `AddKubeletConfigFlags`: BoolVar registrations) and the global klog/logs
 * flags (component-base logs, klog); `version` takes an optional value (`--version=raw`).
 */
export const KUBELET_BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'help',
  'h',
  'version',
  'fail-swap-on',
  'fail-cgroupv1',
  'enable-server',
  'anonymous-auth',
  'authentication-token-webhook',
  'rotate-certificates',
  'rotate-server-certificates',
  'enable-debugging-handlers',
  'contention-profiling',
  'cgroups-per-qos',
  'serialize-image-pulls',
  'make-iptables-util-chains',
  'protect-kernel-defaults',
  'enable-controller-attach-detach',
  'cpu-cfs-quota',
  'kernel-memcg-notification',
  'runonce',
  'local-storage-capacity-isolation',
  'seccomp-default',
  'register-node',
  'register-schedulable',
  'keep-terminated-pod-volumes',
  'exit-on-lock-contention',
  'experimental-check-node-capabilities-before-mount',
  'experimental-allocatable-ignore-eviction',
  'windows-service',
  'enable-load-reader',
  'enable-cadvisor-json-endpoints',
  'containerized',
  'alsologtostderr',
  'logtostderr',
  'add-dir-header',
  'skip-headers',
  'skip-log-headers',
  'one-output',
  'log-json-split-stream',
  'log-text-split-stream',
]);
