/**
 * `crilint lint --cache`: each node set's outcome kept in one file between runs, and given again
 * while nothing the lint looked at has changed (src/model/trace.ts records the lookups and checks
 * them). A node set whose outcome is kept is not loaded, parsed or checked at all.
 *
 * The file (JSON, written whole to a temporary file and renamed over the old one):
 *   {"crilint": "lint-cache", "format": 1, "build": B, "contexts": {C: {S: entry}}}
 * - B: the crilint build (a digest of the bundle, the schemas and the rule pages, made by
 *   scripts/build.mjs). Another build starts from nothing: a new rule changes outcomes.
 * - C: what an outcome depends on besides the files: the working directory (paths are shown
 *   relative to it), the settings (format, colour, --quiet, versions and profiles given) and the
 *   config file in effect. Runs with other settings keep their own entries side by side.
 * - S: the node set (its root, the files given, the pre-commit focus).
 * - entry: {day, trace, outcome}: `trace` is what the lint looked at (StoredTrace, src/model/trace.ts),
 *   `day` the day the entry was last used (one unused for KEEP_DAYS is dropped when the file is
 *   written).
 *
 * A file at the cache location that is not a crilint cache is never overwritten. A damaged cache
 * (a run killed while writing it cannot cause one; a full disk could) starts from nothing.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDirectory, type NodeSetSpec } from '../discover/index.js';
import { describe } from '../discover/read.js';
import type { CrilintConfig } from '../engine/config.js';
import { unchangedByContent, unchangedByStat, type StoredTrace } from '../model/trace.js';
import type { NodeOutcome, NodeSettings } from './lint.js';

declare const __CRILINT_BUILD__: string | undefined;

/** The default cache file, in the working directory (ESLint's .eslintcache). */
export const DEFAULT_CACHE_FILE = '.crilintcache';
const MAGIC = 'lint-cache';
const FORMAT = 1;
/** An entry not used for this many days is dropped. */
export const KEEP_DAYS = 7;

interface Entry {
  day: number;
  trace: StoredTrace;
  outcome: NodeOutcome;
}

interface CacheFile {
  crilint: typeof MAGIC;
  format: typeof FORMAT;
  build: string;
  contexts: Record<string, Record<string, Entry>>;
}

/** This build's identity (running from src/, in tests: the package version and `source`). */
export function buildId(): string {
  return typeof __CRILINT_BUILD__ === 'string' ? __CRILINT_BUILD__ : 'source';
}

/** The cache file for `--cache-location` (a directory: the default name inside it). */
export function cachePath(location: string | undefined, cwd: string): string {
  const p = resolve(cwd, location ?? DEFAULT_CACHE_FILE);
  if (location !== undefined && (location.endsWith('/') || isDirectory(p))) return join(p, DEFAULT_CACHE_FILE);
  return p;
}


export interface CacheCounts {
  /** Outcomes given from the cache: checked by stat, or by content (fresh checkout, racy entries). */
  byStat: number;
  byContent: number;
  /** Node sets linted (no entry, or something changed). */
  linted: number;
  /** Of those, node sets not kept (an I/O error, an internal error, a special file). */
  notKept: number;
}

export class LintCache {
  readonly counts: CacheCounts = { byStat: 0, byContent: 0, linted: 0, notKept: 0 };
  private dirty = false;
  private readonly today = Math.floor(Date.now() / 86_400_000);

  private constructor(
    readonly file: string,
    private readonly data: CacheFile,
    private readonly entries: Record<string, Entry>,
    /** False when the file there is not a crilint cache: it is read as empty and left alone. */
    private readonly writable: boolean,
  ) {}

  /**
   * The cache at `file` for this run's context. `note`: why what was there is not used
   * (another build is not worth a note; a damaged or foreign file is).
   */
  static open(file: string, context: { cwd: string; settings: NodeSettings; config: CrilintConfig | null }): { cache: LintCache; note: string | null } {
    const { record: _record, ...settings } = context.settings;
    const key = JSON.stringify({ cwd: context.cwd, settings, config: context.config });
    const empty = (): CacheFile => ({ crilint: MAGIC, format: FORMAT, build: buildId(), contexts: {} });
    let data = empty();
    let note: string | null = null;
    let writable = true;
    let text: string | null = null;
    try {
      // Written as ASCII (see save()): latin1 decodes it as it is, faster than UTF-8.
      text = readFileSync(file, 'latin1');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Not there (or a directory on its way is not there, or is a file): the first run.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') note = `${file}: cannot read the cache (${describe(e)}); linting everything`;
    }
    if (text !== null) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      const ours = text.startsWith(`{"crilint":"${MAGIC}"`);
      if (!ours) {
        writable = false;
        note = `${file}: not a crilint cache; it is not used, nor overwritten (choose another --cache-location)`;
      } else if (!isCacheFile(parsed)) note = `${file}: the cache is damaged; starting a new one`;
      else if (parsed.format === FORMAT && parsed.build === buildId()) data = parsed;
    }
    const entries = (data.contexts[key] ??= {});
    return { cache: new LintCache(file, data, entries, writable), note };
  }

  /** The kept outcome of a node set, when nothing it looked at has changed. */
  lookup(spec: NodeSetSpec): NodeOutcome | null {
    const key = specKey(spec);
    const entry = this.entries[key];
    if (!entry) return null;
    if (unchangedByStat(entry.trace.check, spec.root)) this.counts.byStat++;
    else {
      const fresh = unchangedByContent(entry.trace.full, spec.root);
      if (!fresh) {
        delete this.entries[key];
        this.dirty = true;
        return null;
      }
      entry.trace = fresh;
      this.dirty = true;
      this.counts.byContent++;
    }
    if (entry.day !== this.today) {
      entry.day = this.today;
      this.dirty = true;
    }
    return entry.outcome;
  }

  /** Keep the outcome of a node set just linted (with NodeSettings.record, so it has a trace). */
  store(spec: NodeSetSpec, outcome: NodeOutcome): void {
    this.counts.linted++;
    const { trace, ...rest } = outcome;
    const key = specKey(spec);
    if (!trace) {
      this.counts.notKept++;
      if (this.entries[key]) {
        delete this.entries[key];
        this.dirty = true;
      }
      return;
    }
    this.entries[key] = { day: this.today, trace, outcome: rest };
    this.dirty = true;
  }

  /** Write the file when something changed; the problem when it could not be written (the run is not failed for it). */
  save(): string | null {
    if (!this.dirty || !this.writable) return null;
    for (const [name, entries] of Object.entries(this.data.contexts)) {
      for (const [k, e] of Object.entries(entries)) if (e.day < this.today - KEEP_DAYS) delete entries[k];
      if (!Object.keys(entries).length) delete this.data.contexts[name];
    }
    const temp = `${this.file}.${process.pid}.tmp`;
    let fd: number | null = null;
    try {
      try {
        fd = openSync(temp, 'w');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        mkdirSync(dirname(this.file), { recursive: true });
        fd = openSync(temp, 'w');
      }
      writeJson(fd, this.data);
      closeSync(fd);
      fd = null;
      renameSync(temp, this.file);
      this.dirty = false;
      return null;
    } catch (e) {
      try {
        if (fd !== null) closeSync(fd);
        rmSync(temp, { force: true });
      } catch {
        // The directory is not there or not one: no temporary file either.
      }
      return `${this.file}: cannot write the cache (${describe(e)})`;
    }
  }
}

/**
 * The cache as JSON.stringify() writes it, an entry at a time in chunks of 64 KiB (a fleet of
 * 10,000 nodes makes ~25 MB: one string of it, its escaped copy and its bytes would be ~75 MB at
 * once), and as ASCII: what is not is escaped as JSON allows, so open() can read it as latin1.
 */
function writeJson(fd: number, data: CacheFile): void {
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    const bytes = Buffer.from(parts.join('').replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    parts = [];
    size = 0;
  };
  const put = (text: string) => {
    parts.push(text);
    size += text.length;
    if (size >= 65536) flush();
  };
  put(`{"crilint":${JSON.stringify(data.crilint)},"format":${JSON.stringify(data.format)},"build":${JSON.stringify(data.build)},"contexts":{`);
  let c = 0;
  for (const [name, entries] of Object.entries(data.contexts)) {
    put(`${c++ ? ',' : ''}${JSON.stringify(name)}:{`);
    let e = 0;
    for (const [key, entry] of Object.entries(entries)) put(`${e++ ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(entry)}`);
    put('}');
  }
  put('}}');
  flush();
}

function specKey(spec: NodeSetSpec): string {
  return JSON.stringify([spec.root, spec.name, spec.files, spec.focus]);
}

function isCacheFile(v: unknown): v is CacheFile {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Partial<CacheFile>;
  return o.crilint === MAGIC && typeof o.format === 'number' && typeof o.build === 'string' && typeof o.contexts === 'object' && o.contexts !== null;
}
