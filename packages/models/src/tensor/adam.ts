import * as tf from '@tensorflow/tfjs-core';
import { wasmMatmulsOnBlas } from './blas-matmul-kernel';
import { computesInProcess } from './read';
import { wasmHeapView, wasmRefCount } from './wasm-heap';
import { adamUpdateOnWasmHeap } from './wasm/adam-update';

/**
 * Where Adam keeps its moments. `host`: plain Float32Arrays and one JS loop per variable, which
 * on wasm and the pure-JS cpu backend beats a dozen tensor ops per variable, each with a fixed
 * overhead. `device`: tensors next to the weights, updated with tensor ops and never read back,
 * so a GPU backend does no round trip per step (a read from a GPU waits for everything queued).
 */
export type MomentPlacement = 'host' | 'device';

/**
 * `host` on the CPU backends (wasm, cpu), `device` on every other (GPU and TensorFlow) backend, and
 * on wasm-blas, where the moments lie on the wasm heap beside the weights for one SIMD kernel.
 */
export function defaultMomentPlacement(backendName: string = tf.getBackend()): MomentPlacement {
  if (backendName === 'wasm' && wasmMatmulsOnBlas()) return 'device';
  return computesInProcess(backendName) ? 'host' : 'device';
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Default: `defaultMomentPlacement()` for the backend active when Adam is built. */
  moments?: MomentPlacement;
}

/** Everything needed to resume Adam exactly: the step count and both moments per variable. */
export interface AdamState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/** The moments of one variable, in one of the two placements. */
type Moments = { placement: 'host'; first: Float32Array; second: Float32Array } | { placement: 'device'; first: tf.Variable; second: tf.Variable };

/**
 * Adam (Kingma & Ba 2015) over a fixed list of variables, with the learning rate given at
 * every step (tfjs's own AdamOptimizer keeps its learning rate fixed after construction):
 *
 *   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
 *   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * Both placements compute the same update (to float32 rounding); see `MomentPlacement`.
 */
export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly placement: MomentPlacement;
  private readonly variables: readonly tf.Variable[];
  private moments: Moments[];
  private steps = 0;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.placement = options.moments ?? defaultMomentPlacement();
    this.variables = variables;
    this.moments = variables.map((v) => this.zeroMoments(v));
  }

  /** Updates taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * One update. `gradients` is either in the order of the variables or keyed by variable
   * name (what `tf.variableGrads` returns); a variable without a gradient is left as it is.
   * The gradients stay the caller's to dispose.
   */
  async applyGradients(gradients: readonly tf.Tensor[] | Record<string, tf.Tensor>, learningRate: number): Promise<void> {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`learning rate must be a finite number >= 0, got ${learningRate}`);
    }
    const byIndex = Array.isArray(gradients)
      ? (gradients as readonly tf.Tensor[])
      : this.variables.map((v) => (gradients as Record<string, tf.Tensor>)[v.name]);
    this.steps += 1;
    const stepSize = learningRate / (1 - Math.pow(this.beta1, this.steps));
    const secondCorrectionRoot = Math.sqrt(1 - Math.pow(this.beta2, this.steps));
    for (let i = 0; i < this.variables.length; i++) {
      const gradient = byIndex[i];
      if (!gradient) continue;
      const moments = this.moments[i];
      if (moments.placement === 'host') await this.updateOnHost(this.variables[i], gradient, moments, stepSize, secondCorrectionRoot);
      else this.updateOnDevice(this.variables[i], gradient, moments, stepSize, secondCorrectionRoot);
    }
  }

  private async updateOnHost(
    variable: tf.Variable,
    gradient: tf.Tensor,
    moments: { first: Float32Array; second: Float32Array },
    stepSize: number,
    secondCorrectionRoot: number,
  ): Promise<void> {
    const { beta1, beta2, epsilon } = this;
    // On wasm the values are read where they lie on the heap (no copy); elsewhere they are read back.
    const g = wasmHeapView(gradient) ?? ((await gradient.data()) as Float32Array);
    const p = wasmHeapView(variable) ?? ((await variable.data()) as Float32Array);
    const next = new Float32Array(p.length);
    adamUpdate(p, g, moments.first, moments.second, next, { beta1, beta2, epsilon, stepSize, secondCorrectionRoot });
    tf.tidy(() => variable.assign(tf.tensor(next, variable.shape, 'float32')));
  }

  private updateOnDevice(
    variable: tf.Variable,
    gradient: tf.Tensor,
    moments: { first: tf.Variable; second: tf.Variable },
    stepSize: number,
    secondCorrectionRoot: number,
  ): void {
    const { beta1, beta2, epsilon } = this;
    if ([variable, moments.first, moments.second].every(updatableInPlace)) {
      adamUpdateOnWasmHeap(variable, gradient, moments.first, moments.second, { beta1, beta2, epsilon, stepSize, secondCorrectionRoot });
      return;
    }
    tf.tidy(() => {
      const m = tf.add(tf.mul(moments.first, beta1), tf.mul(gradient, 1 - beta1));
      const v = tf.add(tf.mul(moments.second, beta2), tf.mul(tf.square(gradient), 1 - beta2));
      moments.first.assign(m);
      moments.second.assign(v);
      const denominator = tf.add(tf.div(tf.sqrt(v), secondCorrectionRoot), epsilon);
      variable.assign(tf.sub(variable, tf.div(tf.mul(m, stepSize), denominator)));
    });
  }

  /** A copy of the state; on the device placement this reads the moments back. */
  async getState(): Promise<AdamState> {
    const copies = await Promise.all(
      this.moments.map(async (moments) =>
        moments.placement === 'host'
          ? [moments.first.slice(), moments.second.slice()]
          : ((await Promise.all([moments.first.data(), moments.second.data()])) as Float32Array[]).map((values) => values.slice()),
      ),
    );
    return { step: this.steps, firstMoments: copies.map(([first]) => first), secondMoments: copies.map(([, second]) => second) };
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
    this.disposeMoments();
    this.moments = this.variables.map((variable, i) => this.momentsFrom(variable, state.firstMoments[i].slice(), state.secondMoments[i].slice()));
    this.steps = state.step;
  }

  /** Frees the moments (tensors on the device placement). */
  dispose(): void {
    this.disposeMoments();
    this.moments = [];
  }

  private zeroMoments(variable: tf.Variable): Moments {
    return this.momentsFrom(variable, new Float32Array(variable.size), new Float32Array(variable.size));
  }

  private momentsFrom(variable: tf.Variable, first: Float32Array, second: Float32Array): Moments {
    if (this.placement === 'host') return { placement: 'host', first, second };
    const onDevice = (values: Float32Array) => tf.variable(tf.tensor(values, variable.shape, 'float32'), false);
    return { placement: 'device', first: tf.tidy(() => onDevice(first)), second: tf.tidy(() => onDevice(second)) };
  }

  private disposeMoments(): void {
    for (const moments of this.moments) {
      if (moments.placement === 'device') {
        moments.first.dispose();
        moments.second.dispose();
      }
    }
  }
}

/**
 * Whether a variable's weights may be overwritten where they lie: only on the wasm backend with its
 * products on BLAS (XNNPACK caches a packed copy of a product's weights by their tensor, which would
 * go stale), and only while no other tensor shares the variable's memory.
 */
function updatableInPlace(variable: tf.Tensor): boolean {
  return wasmMatmulsOnBlas() && wasmRefCount(variable) === 1;
}

/** The constants of one Adam step: the hyper-parameters, lr / (1 - beta1^t) and sqrt(1 - beta2^t). */
export interface AdamStepConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  stepSize: number;
  secondCorrectionRoot: number;
}

/** One Adam update of `p` into `next`, its moments `m` and `v` in place: a plain loop V8 compiles tightly. */
function adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, next: Float32Array, step: AdamStepConstants): void {
  const { beta1, beta2, epsilon, stepSize, secondCorrectionRoot } = step;
  for (let k = 0; k < p.length; k++) {
    const gk = g[k];
    const mk = (m[k] = beta1 * m[k] + (1 - beta1) * gk);
    const vk = (v[k] = beta2 * v[k] + (1 - beta2) * gk * gk);
    next[k] = p[k] - (stepSize * mk) / (Math.sqrt(vk) / secondCorrectionRoot + epsilon);
  }
}
