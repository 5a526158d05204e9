/**
 * Analytical FLOP counts. Convention: a multiply-add is 2 FLOPs; every other elementary
 * operation (add, multiply, compare, exp, log, sqrt, divide) is 1 FLOP per element.
 * Matmuls are kept apart from the rest so they can be checked against the kernels a
 * backend actually ran.
 */
export interface FlopCount {
  /** FLOPs in matrix products. */
  matmul: number;
  /** FLOPs in element-wise operations and reductions. */
  elementwise: number;
}

export const NO_FLOPS: FlopCount = Object.freeze({ matmul: 0, elementwise: 0 });

/** (m x k) times (k x n). */
export function matmulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n;
}

/** `batch` independent (m x k) times (k x n) products. */
export function batchMatmulFlops(batch: number, m: number, k: number, n: number): number {
  return batch * matmulFlops(m, k, n);
}

/** `elements` values each going through `opsPerElement` elementary operations. */
export function elementwiseFlops(elements: number, opsPerElement = 1): number {
  return elements * opsPerElement;
}

/** Dense layer x W + b on `rows` rows, optionally followed by an activation of `activationOps` per element. */
export function denseFlops(rows: number, inputs: number, outputs: number, activationOps = 0): FlopCount {
  return { matmul: matmulFlops(rows, inputs, outputs), elementwise: rows * outputs * (1 + activationOps) };
}

/** Numerically stable softmax over `cols` for each of `rows` rows: max, subtract, exp, sum, divide. */
export function softmaxFlops(rows: number, cols: number): number {
  return rows * cols * 5;
}

/** Layer normalisation: mean, centre, square, mean, rsqrt, scale, gamma, beta. */
export function layerNormFlops(rows: number, dim: number): number {
  return rows * dim * 7 + rows * 2;
}

/** x / |x| per row: square, sum, rsqrt, multiply. */
export function l2NormaliseFlops(rows: number, dim: number): number {
  return rows * dim * 3 + rows;
}

/** Per pair: scale by t, add b, sign, stable softplus (abs, negate, exp, log1p, max, add), then the sum. */
export const SIGMOID_LOSS_OPS_PER_PAIR = 10;

/** The n x m similarity matrix of dim-dimensional embeddings and its sigmoid losses. */
export function pairwiseSigmoidLossFlops(n: number, m: number, dim: number): FlopCount {
  return { matmul: matmulFlops(n, dim, m), elementwise: n * m * SIGMOID_LOSS_OPS_PER_PAIR };
}

/** Per parameter and step: two moment updates, bias-corrected step, the update itself. */
export const ADAM_OPS_PER_PARAMETER = 12;

/**
 * Work in a training step: its forward pass, and the backward pass that computes the gradients.
 * The backward pass runs only what autodiff needs: for a product, one product of the same size per
 * operand that needs a gradient (a weight, or a value computed from weights; never the data, so a
 * first layer's input gradient is never computed); for element-wise work through which a gradient
 * flows, as much again (a derivative and a product per element).
 */
export interface PassFlops {
  forward: FlopCount;
  backward: FlopCount;
}

export const NO_PASS_FLOPS: PassFlops = Object.freeze({ forward: NO_FLOPS, backward: NO_FLOPS });

/**
 * `forward` with its backward pass: `products` (0, 1 or 2) products of each forward product's size,
 * and its element-wise work again when `gradientFlows` (work on the data alone has no gradient).
 */
export function withGradients(forward: FlopCount, products: 0 | 1 | 2, gradientFlows = true): PassFlops {
  return { forward, backward: { matmul: forward.matmul * products, elementwise: gradientFlows ? forward.elementwise : 0 } };
}

export function addPasses(...passes: PassFlops[]): PassFlops {
  return { forward: addFlops(...passes.map((p) => p.forward)), backward: addFlops(...passes.map((p) => p.backward)) };
}

export function scalePasses(pass: PassFlops, factor: number): PassFlops {
  return { forward: scaleFlops(pass.forward, factor), backward: scaleFlops(pass.backward, factor) };
}

/** Forward plus backward: what a training step runs of `pass`. */
export function trainingFlops(pass: PassFlops): FlopCount {
  return addFlops(pass.forward, pass.backward);
}

export function addFlops(...counts: FlopCount[]): FlopCount {
  let matmul = 0;
  let elementwise = 0;
  for (const count of counts) {
    matmul += count.matmul;
    elementwise += count.elementwise;
  }
  return { matmul, elementwise };
}

export function scaleFlops(count: FlopCount, factor: number): FlopCount {
  return { matmul: count.matmul * factor, elementwise: count.elementwise * factor };
}

export function totalFlops(count: FlopCount): number {
  return count.matmul + count.elementwise;
}
