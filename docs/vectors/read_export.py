#!/usr/bin/env python3
"""Reads one export archive from standard input with verify_vectors.py's reader.

The subprocess side of the testkit's ExternalReader (io.hellgate.export.testkit.golden), so the
Python reader is run by the same contract properties as the Java one.

Usage: read_export.py KEY_PEM CERTIFICATE_PEM < export.tgz
  Accepted: the plaintext (JSON Lines, every line with its \\n) on standard output, exit status 0.
  Rejected: nothing on standard output, the reason code (format.md, section 9) as the first line
            of standard error, then a detail line; exit status 1.
  Usage error or missing 'cryptography' package: exit status 2.
  The reader crashed (an exception other than a rejection): the traceback, exit status 3, so a
  crash is never mistaken for a rejection (Python's own status for an uncaught exception is 1).
Every line is authenticated and checked before any is written (verify_vectors.read returns the
whole plaintext or raises).
"""
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_vectors import Reject, read  # noqa: E402  (exits 2 without 'cryptography')


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        key_pem = f.read()
    with open(argv[2], "rb") as f:
        cert_pem = f.read()
    archive = sys.stdin.buffer.read()
    try:
        plaintext = read(archive, key_pem, cert_pem)
    except Reject as e:
        print(e.reason, file=sys.stderr)
        print(str(e), file=sys.stderr)
        return 1
    except Exception:  # a bug in the reader, not a verdict
        traceback.print_exc()
        return 3
    sys.stdout.buffer.write(plaintext)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
