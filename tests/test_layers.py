"""The packages' layering, checked by import-linter (.importlinter): index -> qa -> ui/eval."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_no_package_imports_a_layer_above_it():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is in requirements.txt"
    out = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "1 kept, 0 broken" in out.stdout
