import koffi from 'koffi';

/** CBLAS's constants. */
const ROW_MAJOR = 101;
const NO_TRANSPOSE = 111;
const TRANSPOSE = 112;

/** The shared libraries tried, in order: OpenBLAS as Debian/Ubuntu, Fedora and Homebrew install it. */
const OPENBLAS_LIBRARIES = [
  'libopenblas.so.0',
  'libopenblas.so',
  'libopenblasp.so.0',
  'libopenblas.dylib',
  '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
  '/usr/local/opt/openblas/lib/libopenblas.dylib',
];

/**
 * OpenBLAS's single-precision matrix product, called in place on Float32Arrays (koffi passes a
 * typed array's memory, no copy): C = A B with A (m x k) or its transpose stored, B likewise.
 */
export interface Blas {
  /** The library loaded and its build (e.g. `libopenblas.so.0: OpenBLAS 0.3.29 DYNAMIC_ARCH … Zen MAX_THREADS=64`). */
  readonly description: string;
  sgemm(transposeA: boolean, transposeB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void;
  /** The threads a product may use. */
  threads(): number;
  setThreads(count: number): void;
}

let loaded: { blas: Blas } | { reason: string } | undefined;

/**
 * The system's OpenBLAS, or the reason it cannot be used. Loaded once per process. Where the user
 * has not set them: one thread (OPENBLAS_NUM_THREADS), and, with more, idle threads that stop
 * spinning for work at once (OPENBLAS_THREAD_TIMEOUT at its minimum), since spinning burns CPU
 * time that the energy estimate counts.
 */
export function loadBlas(): { blas: Blas } | { reason: string } {
  if (loaded) return loaded;
  // Read by the library as it starts. (In a worker thread process.env is the thread's own copy, which
  // the library never sees: there the thread count is set through its API below.)
  process.env.OPENBLAS_THREAD_TIMEOUT ??= '4';
  const tried: string[] = [];
  // SIEVE_OPENBLAS names the library to use (a path or a name the loader finds), instead of the usual places.
  const candidates = process.env.SIEVE_OPENBLAS ? [process.env.SIEVE_OPENBLAS] : OPENBLAS_LIBRARIES;
  for (const name of candidates) {
    try {
      const blas = bind(name, koffi.load(name));
      // One thread unless the user says otherwise: at the default model's sizes a second thread made
      // the training step slower and cost more CPU time (joules) (docs/performance.md#openblas-on-one-thread).
      if (process.env.OPENBLAS_NUM_THREADS === undefined) blas.setThreads(1);
      loaded = { blas };
      return loaded;
    } catch (error) {
      tried.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  loaded = {
    reason:
      'no OpenBLAS library was found (on Debian or Ubuntu: apt-get install libopenblas0-pthread; on Fedora: dnf install openblas; ' +
      `on macOS: brew install openblas; or name one with SIEVE_OPENBLAS=<path>). Tried ${tried.join('; ')}`,
  };
  return loaded;
}

function bind(name: string, library: koffi.IKoffiLib): Blas {
  const sgemm = library.func(
    'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
  );
  const getThreads = library.func('int openblas_get_num_threads()');
  const setThreads = library.func('void openblas_set_num_threads(int)');
  const getConfig = library.func('const char *openblas_get_config()');
  return {
    description: `${name}: ${String(getConfig())}`,
    sgemm(transposeA, transposeB, m, n, k, a, b, c) {
      // Row-major: A is stored m x k (lda = k), or k x m when transposed (lda = m); B likewise.
      sgemm(ROW_MAJOR, transposeA ? TRANSPOSE : NO_TRANSPOSE, transposeB ? TRANSPOSE : NO_TRANSPOSE, m, n, k, 1, a, transposeA ? m : k, b, transposeB ? k : n, 0, c, n);
    },
    threads: () => Number(getThreads()),
    setThreads: (count) => setThreads(count),
  };
}
