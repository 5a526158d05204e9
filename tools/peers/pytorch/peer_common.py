"""Shared by the PyTorch peer's scripts: thread settings, the BLAS actually loaded, medians, output.

Both scripts print exactly one JSON line on stdout; everything else goes to stderr.
"""
import json
import os
import statistics
import sys

INSTALL_HINT = (
    "On Debian or Ubuntu: apt-get install python3-torch libopenblas0-pthread python3-numpy "
    "(without libopenblas0-pthread, torch and numpy fall back to the reference BLAS, about 10x slower)."
)


def set_thread_environment(threads):
    """Sets OPENBLAS_NUM_THREADS and OMP_NUM_THREADS to `threads` where the caller left them unset.

    Must run before torch or numpy is imported: OpenBLAS reads them once, when it loads. Without
    OPENBLAS_NUM_THREADS a one-thread peer's products would still run on every core.
    Returns the values in force, and warns on stderr where the caller set them to something else.
    """
    values = {}
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        current = os.environ.setdefault(name, str(threads))
        if current != str(threads):
            print(f"warning: {name}={current} but --threads {threads}; the BLAS may use {current} threads", file=sys.stderr)
        values[name] = current
    values["OMP_WAIT_POLICY"] = os.environ.get("OMP_WAIT_POLICY")
    return values


def import_or_exit(module):
    """Imports `module`, or says what to install and exits 2."""
    try:
        return __import__(module)
    except ImportError as error:
        print(f"error: {sys.executable} cannot import {module} ({error}). {INSTALL_HINT}", file=sys.stderr)
        sys.exit(2)


def loaded_blas_libraries():
    """The resolved paths of the BLAS, LAPACK and OpenMP libraries this process has loaded."""
    found = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) < 6:
                    continue
                path = parts[-1]
                name = os.path.basename(path).lower()
                if any(key in name for key in ("blas", "lapack", "mkl", "omp")):
                    found.add(os.path.realpath(path))
    except OSError:
        pass  # not Linux: the caller reports the BLAS as unknown
    return sorted(found)


def median(values):
    return statistics.median(values)


def print_result(result):
    print(json.dumps(result, separators=(",", ":")), flush=True)
