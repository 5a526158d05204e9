/**
 * Seeded pseudo-random numbers (mulberry32 for the stream, splitmix32 to derive
 * child seeds), so that every run with the same seed draws the same numbers.
 * Written by hand because it is a dozen lines and must be bit-identical across
 * platforms, which `Math.random` is not.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = splitmix32(seed >>> 0);
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Standard Gumbel sample: -log(-log(u)), u in (0, 1). */
  gumbel(): number {
    let u = this.nextFloat();
    while (u <= 0) u = this.nextFloat();
    return -Math.log(-Math.log(u));
  }

  /** Standard normal sample (Box–Muller). */
  normal(): number {
    let u = this.nextFloat();
    while (u <= 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `count` distinct integers drawn uniformly from [0, n), in draw order. */
  sampleWithoutReplacement(n: number, count: number): Int32Array {
    if (count > n) throw new RangeError(`cannot draw ${count} distinct values from ${n}`);
    // Partial Fisher–Yates over a sparse map: O(count) memory and time.
    const swapped = new Map<number, number>();
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const j = i + this.nextInt(n - i);
      const vj = swapped.get(j) ?? j;
      const vi = swapped.get(i) ?? i;
      swapped.set(j, vi);
      out[i] = vj;
    }
    return out;
  }

  /** An independent generator derived from this seed and a label (a step number, a purpose). */
  static derive(seed: number, ...labels: number[]): Rng {
    let s = splitmix32(seed >>> 0);
    for (const label of labels) s = splitmix32((s ^ Math.imul(label >>> 0, 0x9e3779b1)) >>> 0);
    return new Rng(s);
  }
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
