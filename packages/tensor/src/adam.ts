import * as tf from '@tensorflow/tfjs-core';
import './register-gradients';

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
 */
export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly variables: readonly tf.Variable[];
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private steps = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.variables = variables;
    this.firstMoments = variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.secondMoments = variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
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
    const t = this.steps;
    const firstCorrection = 1 - Math.pow(this.beta1, t);
    const secondCorrectionRoot = Math.sqrt(1 - Math.pow(this.beta2, t));
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const gradient = byIndex[i];
        if (!gradient) return;
        const m = tf.add(tf.mul(this.firstMoments[i], this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(this.secondMoments[i], this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), secondCorrectionRoot), this.epsilon);
        const update = tf.mul(tf.div(m, denominator), learningRate / firstCorrection);
        this.firstMoments[i].assign(m);
        this.secondMoments[i].assign(v);
        variable.assign(tf.sub(variable, update));
      });
    });
  }

  getState(): AdamState {
    return {
      step: this.steps,
      firstMoments: this.firstMoments.map((m) => Float32Array.from(m.dataSync())),
      secondMoments: this.secondMoments.map((v) => Float32Array.from(v.dataSync())),
    };
  }

  setState(state: AdamState): void {
    if (state.firstMoments.length !== this.variables.length || state.secondMoments.length !== this.variables.length) {
      throw new RangeError(`Adam state has moments for ${state.firstMoments.length} variables, expected ${this.variables.length}`);
    }
    this.variables.forEach((variable, i) => {
      for (const [target, values] of [
        [this.firstMoments[i], state.firstMoments[i]],
        [this.secondMoments[i], state.secondMoments[i]],
      ] as const) {
        if (values.length !== variable.size) {
          throw new RangeError(`Adam state for variable ${i} has ${values.length} values, expected ${variable.size}`);
        }
        tf.tidy(() => target.assign(tf.tensor(values, variable.shape)));
      }
    });
    this.steps = state.step;
  }

  dispose(): void {
    for (const moment of [...this.firstMoments, ...this.secondMoments]) moment.dispose();
  }
}
