#!/usr/bin/env python3
"""The machine's sgemm peak through numpy (float32 products on the BLAS numpy loads).

Times C = A @ B for each shape (m x k times k x n) in blocks of repeated products, each block
long enough to time well, and reports per shape the best and the median block in GFLOP/s
(2mkn per product). The default shapes are the PyTorch peer's dominant products: the training
batch through the image tower's first layer (128x784x256), the scoring super-batch through it
(640x784x256), the scoring pass's pairwise similarities (640x64x640), and 1024^3, the
large-product peak.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 sgemm_peak.py --threads 1

Prints one JSON line.
"""
import argparse
import sys
import time

sys.dont_write_bytecode = True
import peer_common  # noqa: E402

DEFAULT_SHAPES = "128x784x256,640x784x256,640x64x640,1024x1024x1024"


def parse_shape(text):
    try:
        m, k, n = (int(part) for part in text.split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shapes takes MxKxN triples such as 128x784x256, got {text!r}")
    if min(m, k, n) < 1:
        raise argparse.ArgumentTypeError(f"--shapes: every size must be above 0, got {text!r}")
    return m, k, n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (also set OPENBLAS_NUM_THREADS)")
    parser.add_argument("--shapes", default=DEFAULT_SHAPES, help="comma-separated MxKxN (default: %(default)s)")
    parser.add_argument("--blocks", type=int, default=15, help="timed blocks per shape (default: %(default)s)")
    parser.add_argument("--block-seconds", type=float, default=0.01, help="about this long per block (default: %(default)s)")
    args = parser.parse_args()
    if args.threads < 1 or args.blocks < 1 or not args.block_seconds > 0:
        parser.error("--threads and --blocks take whole numbers above 0, --block-seconds a number above 0")
    shapes = [parse_shape(text) for text in args.shapes.split(",") if text]

    environment = peer_common.set_thread_environment(args.threads)
    np = peer_common.import_or_exit("numpy")
    rng = np.random.default_rng(0)
    results = []
    for m, k, n in shapes:
        a = rng.random((m, k), dtype=np.float32)
        b = rng.random((k, n), dtype=np.float32)
        out = np.empty((m, n), dtype=np.float32)
        start = time.perf_counter()
        for _ in range(3):
            np.matmul(a, b, out=out)
        single = max((time.perf_counter() - start) / 3, 1e-7)
        per_block = max(1, int(args.block_seconds / single))
        rates = []
        for _ in range(args.blocks):
            start = time.perf_counter()
            for _ in range(per_block):
                np.matmul(a, b, out=out)
            seconds = time.perf_counter() - start
            rates.append(2 * m * k * n * per_block / seconds / 1e9)
        results.append({"m": m, "k": k, "n": n, "gflops": max(rates), "medianGflops": peer_common.median(rates), "productsPerBlock": per_block})

    peer_common.print_result({
        "kind": "sgemm",
        "numpy": np.__version__,
        "threads": args.threads,
        "environment": environment,
        "blasLibraries": peer_common.loaded_blas_libraries(),
        "shapes": results,
    })


if __name__ == "__main__":
    main()
