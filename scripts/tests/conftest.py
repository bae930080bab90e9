"""The smoke test's package lives in scripts/; the emulator's fixture readers in emulator/."""
import pathlib
import sys

SCRIPTS = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SCRIPTS))
sys.path.insert(0, str(SCRIPTS.parent / "emulator"))
