"""The wheel a user would install (not the editable checkout) holds every package and works."""

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


def test_built_wheel_installs_and_runs_every_command(tmp_path):
    # From a clean copy: a stale build/ folder in the checkout would hide a missing package.
    src = tmp_path / "src"
    skip = shutil.ignore_patterns(".*", "build", "*.egg-info", "runs", "__pycache__", "tests")
    shutil.copytree(ROOT, src, ignore=skip)
    dist = tmp_path / "dist"
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "-w", str(dist), str(src),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("newsqa-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for module in ("eval/metrics/answers.py", "eval/importers/multihop_rag.py", "qa/llms/base.py"):
        assert module in names
    assert not any(n.startswith(("tests/", "bench/", "seeds/")) for n in names)

    # A fresh venv that sees this one's dependencies but not the editable checkout: a .pth
    # line adds the site-packages folder without running the editable install's own .pth.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    site = run(str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(site.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = run(
        sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
        str(wheel),
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    newsqa = env_dir / "bin" / "newsqa"
    where = run(str(py), "-c", "import eval.metrics, qa; print(qa.__file__)", cwd=tmp_path)
    assert str(env_dir) in where.stdout, where.stdout + where.stderr
    for args in (["--help"], ["eval", "run", "--help"], ["index", "build", "--help"]):
        proc = run(str(newsqa), *args, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "usage: newsqa" in proc.stdout
