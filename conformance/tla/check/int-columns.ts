/**
 * Rows of a few int32 columns in one typed array that grows by doubling: a few bytes a row,
 * outside the garbage-collected heap. The explorer keeps such a row for every state it found.
 */
export class Int32Columns {
  private data: Int32Array;

  constructor(
    private readonly width: number,
    capacity = 1 << 14,
  ) {
    this.data = new Int32Array(capacity * width);
  }

  set(row: number, column: number, v: number): void {
    const at = row * this.width + column;
    if (at >= this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, at + this.width));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[at] = v;
  }

  get(row: number, column: number): number {
    return this.data[row * this.width + column];
  }
}
