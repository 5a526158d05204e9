import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Everything needed to resume Adam exactly: the step count and both moments per variable. */
export interface AdamState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/**
 * Adam (Kingma & Ba 2015) over a fixed list of variables, with the learning rate given at
 * every step (tfjs's own AdamOptimizer keeps its learning rate fixed after construction):
 *
 *   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
 *   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * The moments live in plain Float32Arrays and the update is one JS loop per variable: for the
 * model sizes here (up to a few million values) that beats a dozen tensor ops per variable, each
 * with a fixed overhead, and it keeps the optimizer state out of the tensor count.
 */
export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly variables: readonly tf.Variable[];
  private firstMoments: Float32Array[];
  private secondMoments: Float32Array[];
  private steps = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.variables = variables;
    this.firstMoments = variables.map((v) => new Float32Array(v.size));
    this.secondMoments = variables.map((v) => new Float32Array(v.size));
  }

  /** Updates taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * One update. `gradients` is either in the order of the variables or keyed by variable
   * name (what `tf.variableGrads` returns); a variable without a gradient is left as it is.
   */
  applyGradients(gradients: readonly tf.Tensor[] | Record<string, tf.Tensor>, learningRate: number): void {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`learning rate must be a finite number >= 0, got ${learningRate}`);
    }
    const byIndex = Array.isArray(gradients)
      ? (gradients as readonly tf.Tensor[])
      : this.variables.map((v) => (gradients as Record<string, tf.Tensor>)[v.name]);
    this.steps += 1;
    const { beta1, beta2, epsilon } = this;
    const stepSize = learningRate / (1 - Math.pow(beta1, this.steps));
    const secondCorrectionRoot = Math.sqrt(1 - Math.pow(beta2, this.steps));
    this.variables.forEach((variable, i) => {
      const gradient = byIndex[i];
      if (!gradient) return;
      const g = gradient.dataSync() as Float32Array;
      const p = variable.dataSync() as Float32Array;
      const m = this.firstMoments[i];
      const v = this.secondMoments[i];
      const next = new Float32Array(p.length);
      for (let k = 0; k < p.length; k++) {
        const gk = g[k];
        const mk = (m[k] = beta1 * m[k] + (1 - beta1) * gk);
        const vk = (v[k] = beta2 * v[k] + (1 - beta2) * gk * gk);
        next[k] = p[k] - (stepSize * mk) / (Math.sqrt(vk) / secondCorrectionRoot + epsilon);
      }
      tf.tidy(() => variable.assign(tf.tensor(next, variable.shape, 'float32')));
    });
  }

  getState(): AdamState {
    return {
      step: this.steps,
      firstMoments: this.firstMoments.map((m) => m.slice()),
      secondMoments: this.secondMoments.map((v) => v.slice()),
    };
  }

  setState(state: AdamState): void {
    if (state.firstMoments.length !== this.variables.length || state.secondMoments.length !== this.variables.length) {
      throw new RangeError(`Adam state has moments for ${state.firstMoments.length} variables, expected ${this.variables.length}`);
    }
    this.variables.forEach((variable, i) => {
      for (const values of [state.firstMoments[i], state.secondMoments[i]]) {
        if (values.length !== variable.size) {
          throw new RangeError(`Adam state for variable ${i} has ${values.length} values, expected ${variable.size}`);
        }
      }
    });
    this.firstMoments = state.firstMoments.map((m) => m.slice());
    this.secondMoments = state.secondMoments.map((v) => v.slice());
    this.steps = state.step;
  }

  /** Kept for symmetry with tensor-holding optimizers: the state is plain memory. */
  dispose(): void {
    this.firstMoments = [];
    this.secondMoments = [];
  }
}
