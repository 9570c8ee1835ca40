/**
 * Reports written as nodes come in. A lint run turns each node's result into a NodePiece (plain
 * data: text, counts, target, SARIF results) — on the main thread or in a fleet worker, by the
 * same code — and a ReportWriter puts the pieces together in node order: stylish and github text
 * is written at once, json and sarif are one document each and are written at the end from what
 * the pieces hold (never the nodes' files or trees). formatStylish/formatJson/formatSarif/
 * formatGithub are the same writers over a list of results, so both ways give the same bytes.
 */
import type * as Sarif from 'sarif';
import { githubNode } from './github.js';
import { JsonWriter, jsonNode, jsonNodeName, targetJson, type JsonTarget } from './json.js';
import { SarifWriter, sarifNode } from './sarif.js';
import { StylishWriter, stylishNode } from './stylish.js';
import { countFindings, type Counts, type NodeResult } from './types.js';

export type Format = 'stylish' | 'json' | 'sarif' | 'github';

export interface PieceOptions {
  format: Format;
  /** Several nodes in the run (reports name the node; stylish prints a line per node). */
  fleet: boolean;
  color: boolean;
  /** --quiet: stylish prints node lines only for nodes with errors (or unreadable files). */
  quiet?: boolean;
}

/** One node's part of the report, in the run's format. */
export interface NodePiece {
  name: string;
  /** The node as JSON names it (null for the loose files). */
  jsonName: string | null;
  /** stylish: the finding blocks; github: the commands; json: the findings' document text. */
  text: string;
  /** sarif: the node's results. */
  sarif: Sarif.Result[] | null;
  counts: Counts;
  target: JsonTarget;
}

export function renderNode(r: NodeResult, o: PieceOptions): NodePiece {
  const text = o.format === 'stylish' ? stylishNode(r, o.color) : o.format === 'github' ? githubNode(r) : o.format === 'json' ? jsonNode(r, o.fleet) : '';
  return {
    name: r.node.name,
    jsonName: jsonNodeName(r),
    text,
    sarif: o.format === 'sarif' ? sarifNode(r, { fleet: o.fleet }) : null,
    counts: countFindings(r.findings),
    target: targetJson(r.target),
  };
}

/** How a node went besides its findings: files it could not read, or no result at all (internal error). */
export interface NodeStatus {
  unreadable: number;
  internal: boolean;
  /** Stylish fleet runs: print the node's summary line (see StylishNode.line). */
  line: boolean;
}

export class ReportWriter {
  private readonly stylish: StylishWriter | null = null;
  private readonly json: JsonWriter | null = null;
  private readonly sarif: SarifWriter | null = null;

  constructor(
    o: PieceOptions,
    private readonly write: (s: string) => void,
  ) {
    if (o.format === 'stylish') this.stylish = new StylishWriter({ color: o.color, fleet: o.fleet, quiet: o.quiet }, write);
    else if (o.format === 'json') this.json = new JsonWriter(o.fleet, write);
    else if (o.format === 'sarif') this.sarif = new SarifWriter({ fleet: o.fleet });
  }

  /** The next node, in node order: its piece, or only its name when it could not be linted. */
  add(piece: NodePiece | { name: string }, status: NodeStatus): void {
    if (!('counts' in piece)) {
      this.stylish?.add({ name: piece.name, text: '', counts: countFindings([]), unreadable: status.unreadable, internal: true, line: status.line });
      return;
    }
    if (this.stylish) this.stylish.add({ name: piece.name, text: piece.text, counts: piece.counts, unreadable: status.unreadable, internal: status.internal, line: status.line });
    else if (this.json) this.json.add({ node: piece.jsonName, text: piece.text, target: piece.target, counts: piece.counts });
    else if (this.sarif) this.sarif.add({ results: piece.sarif ?? [], target: piece.target });
    else if (piece.text) this.write(piece.text);
  }

  end(): void {
    if (this.stylish) this.stylish.end();
    else if (this.json) this.json.end();
    else if (this.sarif) this.write(JSON.stringify(this.sarif.log(), null, 2) + '\n');
  }
}
