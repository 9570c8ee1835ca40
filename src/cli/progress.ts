/**
 * The fleet progress bar on stderr: `crilint: [########............] 412/1000 nodes`, redrawn in
 * place (`\r`, erase line) at most every 100 ms and at the end, then erased. Only when the CLI
 * says so (stderr is a terminal, not CI, stylish output; see lint.ts showProgress()). Anything
 * else written to the terminal goes through around(), which erases the bar first; the next tick
 * draws it again.
 */
const WIDTH = 24;
const EVERY_MS = 100;

export class Progress {
  private done = 0;
  private drawn = false;
  private last = -Infinity;

  constructor(
    private readonly total: number,
    private readonly write: (s: string) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  start(): void {
    this.draw();
  }

  tick(): void {
    this.done++;
    if (this.done === this.total || this.now() - this.last >= EVERY_MS) this.draw();
  }

  /** The final state, then the bar is erased (what follows starts on a clean line). */
  finish(): void {
    if (this.done < this.total) this.done = this.total;
    this.draw();
    this.clear();
  }

  /** A writer that erases the bar before it writes. */
  around(write: (s: string) => void): (s: string) => void {
    return (s) => {
      this.clear();
      write(s);
    };
  }

  /** The bar's text for `done` of `total` nodes. */
  static bar(done: number, total: number): string {
    const filled = total ? Math.round((done / total) * WIDTH) : WIDTH;
    return `crilint: [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} nodes`;
  }

  private draw(): void {
    this.last = this.now();
    this.write(`\r${Progress.bar(this.done, this.total)}\x1b[K`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.write('\r\x1b[K');
    this.drawn = false;
  }
}
