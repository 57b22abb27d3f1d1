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


def test_no_two_modules_import_each_other_even_inside_functions():
    # An import inside a function hides a cycle from Python but not from the reader (the
    # builder <-> ray_ingest cycle was one); grimp sees every import statement.
    import grimp

    graph = grimp.build_graph("index", "qa", "ui", "eval")
    cycles = {
        tuple(sorted((m, n)))
        for m in graph.modules
        for n in graph.find_modules_directly_imported_by(m)
        if n != m and graph.chain_exists(importer=n, imported=m)
    }
    assert not cycles, sorted(cycles)
