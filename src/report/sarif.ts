/**
 * `--format sarif`: one SARIF 2.1.0 log on stdout, for GitHub code scanning
 * (github/codeql-action/upload-sarif) and other SARIF viewers. Decisions, each for a reason:
 *
 * - **One run**, `tool.driver` = crilint with its version and every rule of ruleCatalog() (engine
 *   rules included), so a result's `ruleIndex` always resolves and GitHub shows each rule's help
 *   even for rules that found nothing. A rule's `help` (text and Markdown) is its page,
 *   rules/<id>.md: the "What it checks", "Why", "How to fix" and "Suppress" sections, then a
 *   pointer to `crilint explain <id>` for the examples. `fullDescription` is the first paragraph
 *   of "What it checks". A rule without a readable page gets its one-line description and the
 *   pointer.
 * - **helpUri / informationUri** must be absolute. They come from package.json: `repository` on
 *   GitHub gives `https://github.com/<owner>/<repo>/blob/v<version>/rules/<id>.md` (the tag `npm
 *   version` creates for a release), `homepage` (else the repository) gives informationUri. When
 *   package.json has neither, both are left out rather than pointing at an invented address.
 * - **Paths**: every `artifactLocation.uri` is relative to the working directory, with `/`
 *   separators and each segment percent-encoded, and `uriBaseId: "%SRCROOT%"`;
 *   `originalUriBaseIds["%SRCROOT%"]` is the working directory as a `file:` URI. GitHub maps
 *   a relative uri to the repository root and ignores other base IDs (codeql-action resolves a
 *   relative uri against the checkout and nothing else), so a uri relative to a node root would
 *   point at the wrong file: run crilint from the repository root in CI. This holds for fleet runs
 *   too (`nodes/a/etc/containerd/config.toml`). Files outside the working directory get an
 *   absolute `file:` URI without a base ID.
 * - **Regions** are `startLine/startColumn/endLine/endColumn` exactly as crilint's ranges: 1-based,
 *   end exclusive, columns in UTF-16 code units (`run.columnKind: "utf16CodeUnits"`), lines split
 *   at LF (a BOM is not a column).
 * - **Node-level findings** (no file): GitHub rejects the whole upload when one result has no
 *   location ("locationFromSarifResult: expected at least one location"). Such a result is shown
 *   at line 1 of the node's first file that the rule reads (else the node's first file), and that
 *   location's `message` says it stands for the node as a whole. A node that read no file at all
 *   is located at its root directory (`nodes/a/`, no region).
 * - **relatedLocations** carry the other end of a cross-file finding, each with its message and an
 *   `id`. GitHub shows related locations only when the result message links to them, so a result
 *   with related locations gets `Related: [<message>](<id>)` appended to its text; in such a
 *   message literal `[`, `]` and `\` are escaped with a backslash (CodeQL's convention, which
 *   GitHub's viewers undo). Messages without links are the finding's message as is.
 * - **fixes**: one SARIF fix per crilint fix, its `artifactChanges` one per file with
 *   `replacements` whose `deletedRegion` is a line/column region (empty for an insertion) and
 *   `insertedContent.text`. A fix that creates a file replaces the empty region at 1:1 of it.
 *   The fix's safety is `properties.safety` (`--fix` applies only `safe` ones).
 * - **partialFingerprints**: `crilintFinding/v1` is a hash of the rule, the file's uri and the text
 *   the range covers (whitespace collapsed; the line's text for an empty range), so it survives
 *   lines moving above the finding; a repeat of the same triple in one log gets `:2`, `:3`, ….
 *   Node-level findings hash the rule, the node and the message. `primaryLocationLineHash` is left
 *   to upload-sarif, which computes it from the checked-out file (and GitHub matches on it).
 * - Fleet runs put the node's name in each result's `properties.node`, as the JSON output does.
 *
 * This module does no work when imported: the rule pages and package.json are read when
 * formatSarif() runs, so `--format stylish|json` pay nothing for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { lineText, posAt, type SourceFile } from '../core/source.js';
import type { Finding, Fix, Range, Severity } from '../core/types.js';
import { parseRulePage, ruleCatalog, type Section } from '../engine/docs.js';
import type { RuleMeta } from '../engine/rule.js';
import type { NodeSet } from '../model/nodeset.js';
import { rulesDir } from '../cli/rules-command.js';
import { mergeTargets, targetJson, type JsonTarget } from './json.js';
import type { NodeResult } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
export const FINGERPRINT_KEY = 'crilintFinding/v1';

/** What the log says about crilint itself: from package.json and rules/ by default (tests pass their own). */
export interface ToolInfo {
  version: string;
  /** Absolute URI of crilint's home page, if known. */
  informationUri?: string;
  /** Absolute URI of a rule's page, if known. */
  helpUri?: (id: string) => string;
  /** The page of a rule (rules/<id>.md) as text, or null when there is none. */
  page: (id: string) => string | null;
}

export interface SarifOptions {
  /** Several nodes in the run: each result names its node. */
  fleet: boolean;
  /** Paths are relative to this directory (default: the working directory). */
  cwd?: string;
  /** Rules described in tool.driver (default: ruleCatalog()); a finding of another rule adds a minimal descriptor. */
  rules?: readonly RuleMeta[];
  tool?: ToolInfo;
}

export function formatSarif(results: readonly NodeResult[], opts: SarifOptions): string {
  return JSON.stringify(buildSarif(results, opts), null, 2) + '\n';
}

export function buildSarif(results: readonly NodeResult[], opts: SarifOptions): Sarif.Log {
  const log = new SarifWriter(opts);
  for (const r of results) log.add({ results: sarifNode(r, opts), target: targetJson(r.target) });
  return log.log();
}

let defaultMetas: { metas: readonly RuleMeta[]; byId: Map<string, RuleMeta> } | null = null;

/**
 * One node's results, complete but for what depends on the whole log: `ruleIndex` (-1 here; the
 * writer sets it, adding a descriptor for a rule the catalog does not know) and the `:2`, `:3`
 * suffix of a repeated fingerprint. Plain data, so a worker thread can make it.
 */
export function sarifNode(r: NodeResult, opts: Pick<SarifOptions, 'fleet' | 'cwd' | 'rules'>): Sarif.Result[] {
  const cwd = opts.cwd ?? process.cwd();
  let byId: Map<string, RuleMeta>;
  if (opts.rules) byId = new Map(opts.rules.map((m) => [m.id, m]));
  else {
    if (!defaultMetas) {
      const metas = ruleCatalog();
      defaultMetas = { metas, byId: new Map(metas.map((m) => [m.id, m])) };
    }
    byId = defaultMetas.byId;
  }
  return r.findings.map((f) => result(f, r.node, { cwd, meta: byId.get(f.rule), fleet: opts.fleet }));
}

const SEVERITY_OF_LEVEL: Record<string, Severity> = { error: 'error', warning: 'warning', note: 'info' };

/** Puts the log together from the nodes' results (in node order). What it holds is the results, not the nodes. */
export class SarifWriter {
  private readonly tool: ToolInfo;
  private readonly index: Map<string, number>;
  private readonly descriptors: Sarif.ReportingDescriptor[];
  private readonly seen = new Map<string, number>();
  private readonly results: Sarif.Result[] = [];
  private readonly targets: JsonTarget[] = [];

  constructor(private readonly opts: SarifOptions) {
    this.tool = opts.tool ?? defaultToolInfo();
    const metas = [...(opts.rules ?? ruleCatalog())];
    this.index = new Map(metas.map((m, i) => [m.id, i]));
    this.descriptors = metas.map((m) => ruleDescriptor(m, this.tool));
  }

  add(n: { results: Sarif.Result[]; target: JsonTarget }): void {
    this.targets.push(n.target);
    for (const res of n.results) {
      const id = res.ruleId!;
      let i = this.index.get(id);
      if (i === undefined) {
        i = this.descriptors.length;
        this.index.set(id, i);
        this.descriptors.push(unknownRuleDescriptor(id, SEVERITY_OF_LEVEL[res.level ?? 'error'] ?? 'error'));
      }
      res.ruleIndex = i;
      const base = res.partialFingerprints![FINGERPRINT_KEY]!;
      const count = (this.seen.get(base) ?? 0) + 1;
      this.seen.set(base, count);
      if (count > 1) res.partialFingerprints![FINGERPRINT_KEY] = `${base}:${count}`;
      this.results.push(res);
    }
  }

  log(): Sarif.Log {
    const { tool } = this;
    const driver: Sarif.ToolComponent = { name: 'crilint', version: tool.version, semanticVersion: tool.version };
    if (tool.informationUri) driver.informationUri = tool.informationUri;
    driver.rules = this.descriptors;
    const run: Sarif.Run = {
      tool: { driver },
      originalUriBaseIds: { [SRCROOT]: { uri: dirUri(this.opts.cwd ?? process.cwd()) } },
      columnKind: 'utf16CodeUnits',
      results: this.results,
      properties: { target: mergeTargets(this.targets) },
    };
    return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
  }
}

// ---------------------------------------------------------------------------------------------
// Rules

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/** The sections of a rule page that go into `help`, in this order. */
const HELP_SECTIONS = ['What it checks', 'Why', 'How to fix', 'Suppress'] as const;

export function ruleDescriptor(meta: RuleMeta, tool: ToolInfo): Sarif.ReportingDescriptor {
  const pointer = `Examples and the full page: \`crilint explain ${meta.id}\` (rules/${meta.id}.md).`;
  const text = tool.page(meta.id);
  const page = text === null ? null : parseRulePage(text, `rules/${meta.id}.md`);
  const sections = page ? HELP_SECTIONS.map((t) => page.sections.find((s) => s.title === t)).filter((s): s is Section => s !== undefined && s.body !== '') : [];
  const what = sections.find((s) => s.title === 'What it checks');
  const full = what ? firstParagraph(what.body) : meta.description;
  const d: Sarif.ReportingDescriptor = {
    id: meta.id,
    ...ruleName(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: full },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    help: {
      text: [meta.description, ...sections.map((s) => `${s.title}:\n${s.body}`), pointer].join('\n\n'),
      markdown: [`**${meta.description}**`, ...sections.map((s) => `## ${s.title}\n\n${s.body}`), pointer].join('\n\n'),
    },
  };
  if (tool.helpUri) d.helpUri = tool.helpUri(meta.id);
  const tags = [...meta.files, ...(meta.profile ? [`profile:${meta.profile}`] : [])];
  d.properties = { ...(tags.length ? { tags } : {}), fixable: meta.fixable ?? null };
  return d;
}

function unknownRuleDescriptor(id: string, severity: Severity): Sarif.ReportingDescriptor {
  return {
    id,
    ...ruleName(id),
    shortDescription: { text: id },
    fullDescription: { text: id },
    defaultConfiguration: { level: LEVEL[severity] },
    help: { text: `\`crilint explain ${id}\``, markdown: `\`crilint explain ${id}\`` },
  };
}

/**
 * SARIF's readable rule name: `cgroup-driver-mismatch` → `CgroupDriverMismatch`. Left out when it
 * would only differ from the ID in case (`syntax`): SARIF wants no name identical to the ID.
 */
function ruleName(id: string): { name?: string } {
  const name = pascalCase(id);
  return name.toLowerCase() === id.toLowerCase() ? {} : { name };
}

/** `cgroup-driver-mismatch` → `CgroupDriverMismatch` (SARIF's readable rule name). */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** The first paragraph of a Markdown section, its lines joined (a code block or list counts as a paragraph break). */
function firstParagraph(body: string): string {
  const lines: string[] = [];
  for (const line of body.split('\n')) {
    if (!line.trim() || /^\s*(```|~~~|[-*] |\d+\. )/.test(line)) {
      if (lines.length) break;
      continue;
    }
    lines.push(line.trim());
  }
  return lines.join(' ') || body.trim();
}

// ---------------------------------------------------------------------------------------------
// Results

interface ResultContext {
  cwd: string;
  meta: RuleMeta | undefined;
  fleet: boolean;
}

function result(f: Finding, node: NodeSet, ctx: ResultContext): Sarif.Result {
  const related = f.related.filter((r) => r.file !== null);
  const relatedLocations: Sarif.Location[] = related.map((r, i) => ({
    id: i + 1,
    physicalLocation: physical(r.file!, r.range, ctx.cwd),
    message: { text: r.message },
  }));
  const text = relatedLocations.length
    ? `${escapeLinkText(f.message)} Related: ${related.map((r, i) => `[${escapeLinkText(r.message)}](${i + 1})`).join('; ')}.`
    : f.message;
  const res: Sarif.Result = {
    ruleId: f.rule,
    ruleIndex: -1, // SarifWriter.add() sets it
    level: LEVEL[f.severity],
    message: { text },
    locations: [primaryLocation(f, node, ctx)],
  };
  if (relatedLocations.length) res.relatedLocations = relatedLocations;
  if (f.fix) {
    const fix = sarifFix(f.fix, ctx.cwd);
    if (fix) res.fixes = [fix];
  }
  // SarifWriter.add() adds `:2`, `:3`, ... to a repeat within the log.
  res.partialFingerprints = { [FINGERPRINT_KEY]: fingerprintBase(f, node, ctx.cwd) };
  if (ctx.fleet) res.properties = { node: node.name };
  return res;
}

function primaryLocation(f: Finding, node: NodeSet, ctx: ResultContext): Sarif.Location {
  if (f.file) return { physicalLocation: physical(f.file, f.range, ctx.cwd) };
  const note = { text: `${node.name}: reported for the node as a whole; shown at the first file of the node that the rule reads` };
  const kinds = ctx.meta?.files ?? [];
  const anchor = node.files.find((s) => kinds.includes(s.kind)) ?? node.files[0];
  if (anchor) return { physicalLocation: { artifactLocation: artifact(anchor.path, ctx.cwd), region: { startLine: 1 } }, message: note };
  if (node.root) return { physicalLocation: { artifactLocation: artifact(node.root, ctx.cwd, true) }, message: { text: `${node.name}: reported for the node as a whole` } };
  // A loose set without files has nothing to report about; keep the result valid all the same.
  return { physicalLocation: { artifactLocation: artifact(ctx.cwd, ctx.cwd, true) }, message: { text: `${node.name}: reported for the node as a whole` } };
}

function physical(file: SourceFile, range: Range | null, cwd: string): Sarif.PhysicalLocation {
  const loc: Sarif.PhysicalLocation = { artifactLocation: artifact(file.path, cwd) };
  if (range) loc.region = region(range);
  return loc;
}

function region(r: Range): Sarif.Region {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

/** An artifact location: relative to `cwd` under %SRCROOT% when inside it, else an absolute file: URI. */
export function artifact(abs: string, cwd: string, directory = false): Sarif.ArtifactLocation {
  const rel = relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    if (rel === '') return { uri: './', uriBaseId: SRCROOT };
    return { uri: directory ? dirUri(abs) : pathToFileURL(abs).href };
  }
  const uri = rel.split(sep).map(encodeURIComponent).join('/');
  return { uri: directory ? uri + '/' : uri, uriBaseId: SRCROOT };
}

function dirUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : href + '/';
}

/** Escape what would otherwise read as an embedded link (SARIF §3.11.6; CodeQL escapes the same way). */
export function escapeLinkText(s: string): string {
  return s.replace(/[\\[\]]/g, (c) => '\\' + c);
}

function sarifFix(fix: Fix, cwd: string): Sarif.Fix | null {
  const artifactChanges: Sarif.ArtifactChange[] = [];
  for (const change of fix.changes) {
    if (!change.edits.length) continue;
    if (change.file) {
      const src = change.file;
      artifactChanges.push({
        artifactLocation: artifact(src.path, cwd),
        replacements: [...change.edits]
          .sort((a, b) => a.start - b.start)
          .map((e) => ({ deletedRegion: region({ start: posAt(src, e.start), end: posAt(src, e.end) }), insertedContent: { text: e.text } })),
      });
    } else if (change.create) {
      const text = change.edits.map((e) => e.text).join('');
      artifactChanges.push({
        artifactLocation: artifact(change.create.path, cwd),
        replacements: [{ deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, insertedContent: { text } }],
      });
    }
  }
  if (!artifactChanges.length) return null;
  return { description: { text: fix.description }, artifactChanges, properties: { safety: fix.safety } };
}

function fingerprintBase(f: Finding, node: NodeSet, cwd: string): string {
  let parts: string[];
  if (f.file) {
    const uri = artifact(f.file.path, cwd).uri!;
    let covered = f.range ? f.file.text.slice(f.range.start.offset, f.range.end.offset) : '';
    if (!covered.trim() && f.range) covered = lineText(f.file, f.range.start.line);
    parts = [f.rule, uri, covered.replace(/\s+/g, ' ').trim().slice(0, 256)];
  } else parts = [f.rule, `node:${node.name}`, f.message];
  // node:crypto is loaded here, not at start-up (it costs every run ~4 ms).
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

// ---------------------------------------------------------------------------------------------
// The tool: version, addresses and rule pages from the installed package

interface PackageJson {
  version?: string;
  homepage?: string;
  repository?: string | { type?: string; url?: string; directory?: string };
}

/** The GitHub repository (`https://github.com/<owner>/<repo>`, and the package's directory in it) named by package.json `repository`; null when it is not on GitHub. */
export function githubRepository(repo: PackageJson['repository']): { url: string; directory: string } | null {
  const raw = typeof repo === 'string' ? repo : repo?.url;
  if (!raw) return null;
  const directory = typeof repo === 'object' && repo.directory ? repo.directory.replace(/^\/+|\/+$/g, '') : '';
  const m =
    /^(?:github:)?([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+?)(?:\.git)?$/.exec(raw) ??
    /^(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(raw) ??
    /^git@github\.com:([^/]+)\/([^/]+?)(?:\.git)?$/.exec(raw);
  return m ? { url: `https://github.com/${m[1]}/${m[2]}`, directory } : null;
}

/** ToolInfo from a package.json object and a rules/ directory. */
export function toolInfoFrom(pkg: PackageJson, pagesDir: string | null): ToolInfo {
  const version = pkg.version ?? '0.0.0';
  const gh = githubRepository(pkg.repository);
  const info: ToolInfo = {
    version,
    page: (id) => {
      if (!pagesDir) return null;
      const p = join(pagesDir, `${id}.md`);
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    },
  };
  const home = typeof pkg.homepage === 'string' && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : gh?.url;
  if (home) info.informationUri = home;
  if (gh) info.helpUri = (id) => `${gh.url}/blob/v${version}/${gh.directory ? gh.directory + '/' : ''}rules/${id}.md`;
  return info;
}

/** The installed crilint's package.json and rules/ (found from this module, in src/ and in dist/ alike). */
export function defaultToolInfo(): ToolInfo {
  let dir: string | null = null;
  try {
    dir = rulesDir();
  } catch {
    dir = null;
  }
  let pkg: PackageJson = {};
  const pkgPath = dir ? join(dirname(dir), 'package.json') : null;
  if (pkgPath && existsSync(pkgPath)) pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as PackageJson;
  return toolInfoFrom(pkg, dir);
}
