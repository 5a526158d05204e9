/**
 * Small dense matrices in double precision, for the constant resize matrices of
 * multi-resolution towers (computed once per model, at most a few hundred rows).
 */
export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major. */
  values: Float64Array;
}

export function matrix(rows: number, cols: number, values?: ArrayLike<number>): Matrix {
  const data = new Float64Array(rows * cols);
  if (values) {
    if (values.length !== rows * cols) throw new RangeError(`expected ${rows * cols} values, got ${values.length}`);
    data.set(values);
  }
  return { rows, cols, values: data };
}

export function identity(size: number): Matrix {
  const result = matrix(size, size);
  for (let i = 0; i < size; i++) result.values[i * size + i] = 1;
  return result;
}

export function transpose(a: Matrix): Matrix {
  const result = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) result.values[j * a.rows + i] = a.values[i * a.cols + j];
  }
  return result;
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`cannot multiply ${a.rows}x${a.cols} by ${b.rows}x${b.cols}`);
  const result = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.values[i * a.cols + k];
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) result.values[i * b.cols + j] += aik * b.values[k * b.cols + j];
    }
  }
  return result;
}

/** kron(a, b)[(i * b.rows + k), (j * b.cols + l)] = a[i, j] * b[k, l]. */
export function kronecker(a: Matrix, b: Matrix): Matrix {
  const result = matrix(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const aij = a.values[i * a.cols + j];
      for (let k = 0; k < b.rows; k++) {
        for (let l = 0; l < b.cols; l++) {
          result.values[(i * b.rows + k) * result.cols + j * b.cols + l] = aij * b.values[k * b.cols + l];
        }
      }
    }
  }
  return result;
}

/** Gauss–Jordan elimination with partial pivoting; throws for a singular matrix. */
export function inverse(a: Matrix): Matrix {
  if (a.rows !== a.cols) throw new RangeError(`cannot invert a ${a.rows}x${a.cols} matrix`);
  const n = a.rows;
  const work = Float64Array.from(a.values);
  const result = identity(n).values;
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) {
      if (Math.abs(work[row * n + column]) > Math.abs(work[pivot * n + column])) pivot = row;
    }
    const pivotValue = work[pivot * n + column];
    if (Math.abs(pivotValue) < 1e-12) throw new RangeError('matrix is singular');
    if (pivot !== column) {
      for (let j = 0; j < n; j++) {
        [work[pivot * n + j], work[column * n + j]] = [work[column * n + j], work[pivot * n + j]];
        [result[pivot * n + j], result[column * n + j]] = [result[column * n + j], result[pivot * n + j]];
      }
    }
    for (let j = 0; j < n; j++) {
      work[column * n + j] /= pivotValue;
      result[column * n + j] /= pivotValue;
    }
    for (let row = 0; row < n; row++) {
      const factor = work[row * n + column];
      if (row === column || factor === 0) continue;
      for (let j = 0; j < n; j++) {
        work[row * n + j] -= factor * work[column * n + j];
        result[row * n + j] -= factor * result[column * n + j];
      }
    }
  }
  return { rows: n, cols: n, values: result };
}

/**
 * Moore–Penrose pseudo-inverse of a matrix of full rank: (A^T A)^-1 A^T when it has full
 * column rank (tall), A^T (A A^T)^-1 when it has full row rank (wide).
 */
export function pseudoInverse(a: Matrix): Matrix {
  const at = transpose(a);
  return a.rows >= a.cols ? multiply(inverse(multiply(at, a)), at) : multiply(at, inverse(multiply(a, at)));
}

export function toFloat32(a: Matrix): Float32Array {
  return Float32Array.from(a.values);
}
