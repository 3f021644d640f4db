"""Starts MPXJ (the Python package `mpxj`, on the machine's Java) for the interchange tests."""
import sys


def start():
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)
    except ImportError as e:
        sys.stderr.write(
            f"MPXJ is not installed ({e}): run `pip install mpxj` (scripts/setup.sh does)\n"
        )
        sys.exit(3)
    if not jpype.isJVMStarted():
        jpype.startJVM()
