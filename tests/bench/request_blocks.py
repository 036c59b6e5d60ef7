"""Instructions per login POST, portal against baseline, counted in one process (not a test).

``tests.bench.request_cost --callgrind`` subtracts a run of no requests from a run of N in two
processes, and that difference also catches work that is not the requests' (start-up, collections);
it moved by tenths of a million on one commit. This counts blocks of requests inside one process
under valgrind's callgrind: the app and the environs are built and warmed first, the heap frozen as
wsgi.py does after start-up, then ``os.getppid()`` (callgrind dumps its counters there,
``--dump-before=getppid``) separates the blocks: portal, baseline, portal again. The two portal
blocks agree to about 0.1 %, so a change of 10,000 instructions per request shows.

    .venv/bin/python -m tests.bench.request_blocks [--requests 60]     # about 2 minutes
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BLOCKS = ("portal", "baseline", "portal again")


def _count_blocks(requests: int) -> None:
    """Inside valgrind: warm up, freeze the heap, run the blocks with a dump before each."""
    from tests.bench.request_cost import _baseline_request, _portal_request, per_request_us

    apps = {"portal": _portal_request(), "baseline": _baseline_request()}
    for app, make_environ in apps.values():
        per_request_us(app, make_environ, 20)
    blocks = [(apps[name.split()[0]][0], [apps[name.split()[0]][1]() for _ in range(requests)]) for name in BLOCKS]
    gc.collect()
    gc.freeze()
    ignore = lambda *_args: None  # noqa: E731
    for app, environs in blocks:
        os.getppid()  # callgrind dumps the counters of the block before
        for environ in environs:
            b"".join(app(environ, ignore))
    os.getppid()


def main(argv: list[str] | None = None) -> int:
    """Set up a demo instance, count the blocks under callgrind and print instructions per request."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="requests per block (default 60)")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        _count_blocks(args.requests)
        return 0
    if not shutil.which("valgrind"):
        print("valgrind is not installed (apt-get install valgrind)")
        return 1
    instance, out = tempfile.mkdtemp(prefix="portal-blocks-"), tempfile.mkdtemp(prefix="portal-cg-")
    env = {**os.environ, "PORTAL_INSTANCE_PATH": instance, "OPENBLAS_NUM_THREADS": "1"}
    for name in ("DATABASE_URL", "SECRET_KEY", "SEARCH_INDEX_DIR", "CONTENT_DIR"):
        env.pop(name, None)  # the embedded default: SQLite and the index in the fresh instance
    try:
        subprocess.run([str(Path(sys.executable).with_name("portal")), "init", "--demo"], check=True, env=env,
                       capture_output=True)
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}/cg",
                        sys.executable, "-m", "tests.bench.request_blocks", "--inside", "--requests",
                        str(args.requests)], check=True, env=env, capture_output=True)
        dumps = sorted(Path(out).glob("cg.*"), key=lambda path: int(path.suffix[1:]))
        totals = [int(re.search(r"^summary:\s+(\d+)", path.read_text(), re.M).group(1)) for path in dumps]
        for name, total in zip(BLOCKS, totals[1:], strict=False):  # the first dump is start-up
            print(f"POST /login (empty username), {name}: {total / args.requests / 1e6:.3f} M instructions per request")
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
