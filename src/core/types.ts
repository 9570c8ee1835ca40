/** Types shared by every stage: positions, findings, fixes. */
import type { SourceFile } from './source.js';

export interface Pos {
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
  /** 0-based offset into SourceFile.text. */
  offset: number;
}

/** `end` is exclusive. */
export interface Range {
  start: Pos;
  end: Pos;
}

export type Severity = 'error' | 'warning' | 'info';
export type FixSafety = 'safe' | 'unsafe';

export interface Location {
  /** null for a finding about the node as a whole (nothing in any file to point at). */
  file: SourceFile | null;
  range: Range | null;
}

export interface RelatedLocation extends Location {
  message: string;
}

/** A replacement of `[start, end)` in the original text of one file. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface FileChange {
  /** The file to edit, or the path of a file to create (absolute) when `create` is set. */
  file: SourceFile | null;
  create?: { path: string; display: string };
  edits: TextEdit[];
}

/** All changes of one fix are applied together or not at all. */
export interface Fix {
  safety: FixSafety;
  description: string;
  changes: FileChange[];
}

export interface Finding extends Location {
  rule: string;
  severity: Severity;
  message: string;
  related: RelatedLocation[];
  fix?: Fix;
}
