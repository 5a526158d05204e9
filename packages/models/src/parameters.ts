import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@sieve/core';
import { parameterRng } from './initializers';

export interface NamedParameter {
  name: string;
  shape: number[];
  variable: tf.Variable;
}

/**
 * A model's trainable tensors, in creation order, each seeded from the model seed and its name.
 * Variables are left unnamed in tfjs (names there are process-global and would clash between the
 * learner and the reference); `name` here is the model-local one used in checkpoints.
 */
export class Parameters {
  private readonly entries: NamedParameter[] = [];
  private readonly byName = new Map<string, NamedParameter>();

  constructor(private readonly seed: number) {}

  add(name: string, shape: number[], initialValues: (rng: Rng) => Float32Array): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter ${name} defined twice`);
    const values = initialValues(parameterRng(this.seed, name));
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`parameter ${name}: ${values.length} initial values for shape [${shape}]`);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
    const entry = { name, shape, variable };
    this.entries.push(entry);
    this.byName.set(name, entry);
    return variable;
  }

  get(name: string): tf.Variable {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no parameter named ${name}`);
    return entry.variable;
  }

  list(): readonly NamedParameter[] {
    return this.entries;
  }

  variables(): tf.Variable[] {
    return this.entries.map((e) => e.variable);
  }

  /** Number of trainable values. */
  size(): number {
    return this.entries.reduce((total, e) => total + e.variable.size, 0);
  }

  /** Copies of the current values, in creation order. */
  async readValues(): Promise<Float32Array[]> {
    return Promise.all(this.entries.map(async (e) => ((await e.variable.data()) as Float32Array).slice()));
  }

  writeValues(values: readonly Float32Array[]): void {
    if (values.length !== this.entries.length) {
      throw new RangeError(`${values.length} value arrays for ${this.entries.length} parameters`);
    }
    this.entries.forEach((entry, i) => {
      if (values[i].length !== entry.variable.size) {
        throw new RangeError(`parameter ${entry.name}: ${values[i].length} values for shape [${entry.shape}]`);
      }
      tf.tidy(() => entry.variable.assign(tf.tensor(values[i], entry.shape)));
    });
  }

  dispose(): void {
    for (const entry of this.entries) entry.variable.dispose();
  }
}
