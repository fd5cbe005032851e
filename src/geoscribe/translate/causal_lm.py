"""The seed paper's own formulation: a causal language model (GPT-2) trained on
``input = output $`` sequences and decoded greedily after ``=`` until ``$``.

Useful for users who have a local GPT-2 (or any causal LM) checkpoint
(``base_model="path/to/gpt2"``). Without one, a GPT-2 of the given size is built
from scratch with a tokenizer trained on the pairs. Nothing is downloaded: a
name that is not a local directory is refused. Output is parsed leniently and
completed, so the record is always well-formed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..errors import InputError, ModelError
from ..estimator import check_fitted, data_hash, new_from_config, write_model_files
from ..progress import with_progress
from ..schema import NONE, Record, parse
from .base import Translator
from .seq2seq.tokenizer import SPACE

SEP, END = " = ", " $"


class CausalLMTranslator(Translator):
    """GPT-2-style translator (the paper's), over any local causal LM directory."""

    kind = "causal-lm"

    def __init__(
        self,
        *,
        schema: str = "cistrome",
        base_model: str | None = None,
        n_layer: int = 4,
        n_embd: int = 256,
        n_head: int = 4,
        vocab_size: int = 8000,
        max_length: int = 512,
        epochs: int = 10,
        batch_size: int = 8,
        lr: float = 5e-4,
        seed: int = 0,
    ) -> None:
        self.schema = schema
        self.base_model = base_model
        self.n_layer = n_layer
        self.n_embd = n_embd
        self.n_head = n_head
        self.vocab_size = vocab_size
        self.max_length = max_length
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.seed = seed

    # ------------------------------------------------------------------ set-up
    def _init_model(self, texts: Sequence[str]) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer, GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

        if self.base_model:
            path = Path(self.base_model)
            if not path.is_dir():
                raise ModelError(
                    f"base model {self.base_model!r} is not a local directory; geoscribe never downloads models."
                )
            try:
                self.tokenizer_ = AutoTokenizer.from_pretrained(path, local_files_only=True)
                self.model_ = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, trust_remote_code=False)
            except Exception as exc:
                raise ModelError(f"Cannot load causal LM from {path}: {type(exc).__name__}: {str(exc)[:200]}.") from None
        else:
            from .seq2seq.tokenizer import train_tokenizer

            tok = train_tokenizer(texts, vocab_size=self.vocab_size)
            self.tokenizer_ = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="</s>", pad_token="<pad>", unk_token="<unk>")
            config = GPT2Config(
                vocab_size=len(self.tokenizer_), n_positions=self.max_length, n_embd=self.n_embd,
                n_layer=self.n_layer, n_head=self.n_head,
                bos_token_id=self.tokenizer_.eos_token_id, eos_token_id=self.tokenizer_.eos_token_id,
            )
            self.model_ = GPT2LMHeadModel(config)
        if self.tokenizer_.pad_token is None:
            self.tokenizer_.pad_token = self.tokenizer_.eos_token

    def _text(self, s: str) -> str:
        # the paper's tokenizer saw "=" and "$" only as separators
        return " ".join(s.replace("=", " ").replace("$", " ").split())

    # ------------------------------------------------------------------ fit
    def fit(self, texts: Sequence[str], records: Sequence[Record], *, progress: bool = False, dev: Any = None, log: Any = None) -> CausalLMTranslator:
        """Train on ``input = output $`` sequences (loss on every token, as the paper did)."""
        if len(texts) != len(records) or not texts:
            raise InputError(f"fit needs as many texts as records, and at least one (got {len(texts)} and {len(records)}).")
        torch.manual_seed(self.seed)
        sequences = [f"{self._text(t)}{SEP}{r.render()}{END}" for t, r in zip(texts, records)]
        self._init_model(sequences)
        tok = self.tokenizer_
        enc = tok(sequences, truncation=True, max_length=self.max_length)["input_ids"]
        opt = torch.optim.AdamW(self.model_.parameters(), lr=self.lr, betas=(0.9, 0.999), eps=1e-6)
        rng = np.random.default_rng(self.seed)
        self.model_.train()
        self.history_ = []
        for epoch in range(1, self.epochs + 1):
            order = rng.permutation(len(enc))
            total, n = 0.0, 0
            for start in with_progress(range(0, len(order), self.batch_size), enabled=progress, desc=f"epoch {epoch}"):
                batch = [enc[i] for i in order[start : start + self.batch_size]]
                width = max(map(len, batch))
                ids = torch.full((len(batch), width), tok.pad_token_id)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for i, seq in enumerate(batch):
                    ids[i, : len(seq)] = torch.tensor(seq)
                    mask[i, : len(seq)] = 1
                labels = ids.masked_fill(mask == 0, -100)
                loss = self.model_(input_ids=ids, attention_mask=mask, labels=labels).loss
                opt.zero_grad()
                loss.backward()
                opt.step()
                total, n = total + loss.item(), n + 1
            self.history_.append({"epoch": epoch, "loss": total / max(n, 1)})
            if log:
                log(f"epoch {epoch}: loss {total / max(n, 1):.4f}")
        self.model_.eval()
        self.data_hash_ = data_hash(texts, records)
        return self

    # ------------------------------------------------------------------ translate
    @torch.inference_mode()
    def translate(self, texts: Sequence[str], *, batch_size: int = 8, progress: bool = False, max_new_tokens: int = 160) -> list[Record]:
        """Greedy decoding after ``=`` until ``$`` (or eos), batched with left padding."""
        check_fitted(self)
        tok = self.tokenizer_
        tok.padding_side = "left"
        end_ids = {tok.eos_token_id, *tok(END.strip(), add_special_tokens=False)["input_ids"][-1:]}
        budget = max(8, self.model_.config.n_positions - max_new_tokens) if hasattr(self.model_.config, "n_positions") else 512
        out: list[Record] = []
        for start in with_progress(range(0, len(texts), batch_size), enabled=progress, desc="translating"):
            prompts = [
                tok(self._text(t or ""), add_special_tokens=False)["input_ids"][: budget - 4]
                + tok(SEP.rstrip(), add_special_tokens=False)["input_ids"]
                for t in texts[start : start + batch_size]
            ]
            enc = tok.pad({"input_ids": prompts}, return_tensors="pt")
            generated = self.model_.generate(
                **enc, max_new_tokens=max_new_tokens, do_sample=False,
                eos_token_id=sorted(end_ids), pad_token_id=tok.pad_token_id,
            )
            for row in generated[:, enc["input_ids"].shape[1] :]:
                text = tok.decode(row, skip_special_tokens=True).replace(SPACE, " ").split("$")[0].strip()
                out.append(self._record(text))
        return out

    def _record(self, text: str) -> Record:
        rec = parse(text, self.schema, strict=False)
        values = {a: (rec[a] or NONE) for a in self.record_schema.attributes}
        return Record(self.record_schema, values, {a: (1.0 if rec[a] else 0.0) for a in values})

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path, *, metadata: dict[str, Any] | None = None) -> Path:
        check_fitted(self)
        path = write_model_files(self, path, metadata={"data_hash": self.data_hash_, "history": self.history_, **(metadata or {})})
        self.model_.save_pretrained(path / "lm", safe_serialization=True)
        self.tokenizer_.save_pretrained(path / "lm")
        return path

    @classmethod
    def load(cls, path: str | Path) -> CausalLMTranslator:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = Path(path)
        self = new_from_config(cls, path)  # checks the kind: a seq2seq directory is not a causal LM
        try:
            self.tokenizer_ = AutoTokenizer.from_pretrained(path / "lm", local_files_only=True)
            self.model_ = AutoModelForCausalLM.from_pretrained(
                path / "lm", local_files_only=True, trust_remote_code=False, use_safetensors=True
            ).eval()
            meta = json.loads((path / "metadata.json").read_text()) if (path / "metadata.json").is_file() else {}
        except Exception as exc:
            raise ModelError(f"Model directory {path} is corrupt or incomplete: {type(exc).__name__}: {str(exc)[:200]}.") from None
        self.history_ = meta.get("history", [])
        self.data_hash_ = meta.get("data_hash", "")
        return self


def throughput_proxy_config():
    """GPT-2 small (transformers ``GPT2Config()`` defaults): the cost proxy of the paper's translator."""
    from transformers import GPT2Config

    return GPT2Config()


__all__ = ["CausalLMTranslator", "throughput_proxy_config"]
