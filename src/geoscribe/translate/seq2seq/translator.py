"""geoscribe's main translator: a small pointer-BART trained from scratch.

One encoder pass per sample; then every attribute is decoded as its own short
sequence (attribute token, value tokens, eos), all attributes of a batch in
parallel with a KV cache, by a greedy loop of our own over the decoder's
forward pass (``generate`` costs ~10 ms a step on this CPU whatever the model).
Inputs are bucketed by length so that little time goes to padding.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ...errors import InputError, ModelError
from ...estimator import check_fitted, data_hash, new_from_config, write_model_files
from ...progress import progress_bar
from ...schema import NONE, Record, get_schema
from ..base import Translator
from ..training import train_and_dev
from .checkpoint import load_best, load_checkpoint, load_weights, save_checkpoint, state_dict_tensors
from .pointer_model import PointerBart, PointerConfig
from .tokenizer import EOS, PAD, decode, load_tokenizer, train_tokenizer

MAX_INPUT_CHARS = 20_000  # longer inputs are cut before tokenising (1 MB of text stays fast)


def bf16_supported() -> bool:
    """True where oneDNN runs bfloat16 matmuls natively (AVX512-BF16 / AMX): 2-3x faster here."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def output_vocabulary(targets: list[list[list[int]]], eos_id: int, *, min_count: int = 1) -> torch.Tensor:
    """Sorted ids of the tokens seen at least ``min_count`` times in the training outputs:
    what the decoder may generate. Anything else can only be copied from the input,
    which is what teaches the model to copy names it has never seen."""
    from collections import Counter

    counts = Counter(tok for per_sample in targets for seq in per_sample for tok in seq)
    ids = {eos_id} | {tok for tok, c in counts.items() if c >= min_count}
    return torch.tensor(sorted(ids), dtype=torch.long)


def attribute_token(attribute: str) -> str:
    return f"<{attribute}>"


class Seq2SeqTranslator(Translator):
    """Pointer-BART translator: GEO sample text -> :class:`Record`.

    Parameters are the model size, the training schedule and the decoding
    limits; ``fit`` trains a tokenizer and the model, with a dev split for early
    stopping on mean accuracy.
    """

    kind = "seq2seq"

    def __init__(
        self,
        *,
        schema: str = "cistrome",
        d_model: int = 192,
        encoder_layers: int = 2,
        decoder_layers: int = 2,
        heads: int = 4,
        ffn_dim: int = 768,
        vocab_size: int = 6000,
        dropout: float = 0.1,
        max_source_len: int = 256,
        max_target_len: int = 40,
        epochs: int = 30,
        batch_size: int = 32,
        lr: float = 1e-3,
        warmup_steps: int = 300,
        patience: int = 4,
        dev_fraction: float = 0.1,
        seed: int = 0,
        num_threads: int | None = None,
        bf16: bool | None = None,
        min_output_count: int = 3,
        copy_continuation: bool = True,
    ) -> None:
        self.schema = schema
        self.d_model = d_model
        self.encoder_layers = encoder_layers
        self.decoder_layers = decoder_layers
        self.heads = heads
        self.ffn_dim = ffn_dim
        self.vocab_size = vocab_size
        self.dropout = dropout
        self.max_source_len = max_source_len
        self.max_target_len = max_target_len
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.warmup_steps = warmup_steps
        self.patience = patience
        self.dev_fraction = dev_fraction
        self.seed = seed
        self.num_threads = num_threads
        self.bf16 = bf16  # None: use bfloat16 autocast where the CPU supports it
        self.min_output_count = min_output_count  # rarer output tokens must be copied (0: off)
        self.copy_continuation = copy_continuation  # copy multi-token names as spans

    # ------------------------------------------------------------------ encoding
    def _attr_ids(self) -> list[int]:
        return [self.tokenizer_.token_to_id(attribute_token(a)) for a in self.record_schema.attributes]

    def _encode_sources(self, texts: Sequence[str]) -> list[list[int]]:
        cut = [(t or "")[:MAX_INPUT_CHARS] for t in texts]
        return [e.ids[: self.max_source_len] or [self.eos_id_] for e in self.tokenizer_.encode_batch(cut)]

    def _encode_targets(self, records: Sequence[Record]) -> list[list[list[int]]]:
        attrs = self.record_schema.attributes
        flat = [r[a] or NONE for r in records for a in attrs]
        enc = self.tokenizer_.encode_batch(flat)
        out, k = [], 0
        for _ in records:
            out.append([e.ids[: self.max_target_len - 1] + [self.eos_id_] for e in enc[k : k + len(attrs)]])
            k += len(attrs)
        return out

    @staticmethod
    def _pad(seqs: Sequence[Sequence[int]], pad: int = 0, multiple: int = 1) -> torch.Tensor:
        width = -(-max(len(s) for s in seqs) // multiple) * multiple
        out = torch.full((len(seqs), width), pad, dtype=torch.long)
        for i, s in enumerate(seqs):
            out[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        return out

    def _batch(self, src: list[list[int]], tgt: list[list[list[int]]] | None = None):
        # At inference the source width is rounded up to a multiple of 16: far fewer
        # distinct tensor shapes, so oneDNN's per-shape kernel cache and the allocator
        # stop growing over a long run (measured: +0.8 GB over 10k GEO samples before).
        s = self._pad(src, multiple=1 if tgt is not None else 16)
        mask = (s != 0).long()
        if tgt is None:
            return s, mask
        attr_ids = self._attr_ids()
        tgt_in, tgt_out = [], []
        for per_sample in tgt:
            for a_id, seq in zip(attr_ids, per_sample):
                tgt_in.append([a_id] + seq[:-1])
                tgt_out.append(seq)
        return s, mask, self._pad(tgt_in), self._pad(tgt_out)

    # ------------------------------------------------------------------ training
    def fit(
        self,
        texts: Sequence[str],
        records: Sequence[Record],
        *,
        dev: tuple[Sequence[str], Sequence[Record]] | None = None,
        checkpoint_dir: str | Path | None = None,
        progress: bool = False,
        log: Any = None,
    ) -> Seq2SeqTranslator:
        """Train on ``texts`` -> ``records``.

        ``dev`` defaults to a seeded ``dev_fraction`` of the pairs. With
        ``checkpoint_dir``, each epoch is checkpointed there and a rerun resumes
        from the last complete epoch. ``log`` (callable) receives one line per epoch.
        """
        texts, records = self._training_pairs(texts, records)
        self._set_threads()
        torch.manual_seed(self.seed)
        texts, records, dev = train_and_dev(texts, records, dev, dev_fraction=self.dev_fraction, seed=self.seed)
        ckpt = Path(checkpoint_dir) if checkpoint_dir else None
        self.tokenizer_ = self._fit_tokenizer(texts, records, ckpt)
        self.eos_id_ = self.tokenizer_.token_to_id(EOS)
        self.model_ = PointerBart(self._model_config())
        src = self._encode_sources(texts)
        tgt = self._encode_targets(records)
        # generated tokens: those seen in training outputs; during training only the
        # frequent ones (rarer tokens must be copied); min_output_count=0: no restriction
        self.output_ids_ = output_vocabulary(tgt, self.eos_id_, min_count=max(1, self.min_output_count))
        opt, sched = self._optimiser(len(src))
        state = self._resume(ckpt, opt, sched, log)
        best_weights = self._epochs(src, tgt, dev, opt, sched, state, ckpt=ckpt, progress=progress, log=log)
        self._restore_best(best_weights, ckpt)
        self.model_.eval()
        self._bf16_cache = (None, None)
        self.history_ = state["history"]
        self.best_dev_accuracy_ = state["best"] if dev else None
        self.epochs_trained_ = state["epoch"]
        self.data_hash_ = data_hash(texts, records)
        return self

    # the steps of fit, in order
    def _training_pairs(self, texts: Sequence[str], records: Sequence[Record]) -> tuple[list[str], list[Record]]:
        """The pairs as lists, once they pair up and every record is of this model's schema."""
        texts, records = list(texts), list(records)
        if len(texts) != len(records) or not texts:
            raise InputError(f"fit needs as many texts as records, and at least one (got {len(texts)} and {len(records)}).")
        schema = self.record_schema
        for r in records:
            if r.schema != schema:
                raise InputError(f"Training record of set {r.schema.name!r} given to a {schema.name!r} translator.")
        return texts, records

    def _fit_tokenizer(self, texts: list[str], records: list[Record], ckpt: Path | None):
        """The checkpoint's tokenizer when resuming, else one trained on texts and values (and checkpointed)."""
        if ckpt is not None and (ckpt / "tokenizer.json").is_file():
            return load_tokenizer(ckpt / "tokenizer.json")
        attrs = self.record_schema.attributes
        corpus = texts + [r[a] for r in records for a in attrs]
        tokenizer = train_tokenizer(corpus, vocab_size=self.vocab_size, special_tokens=[attribute_token(a) for a in attrs])
        if ckpt is not None:
            ckpt.mkdir(parents=True, exist_ok=True)
            tokenizer.save(str(ckpt / "tokenizer.json"))
        return tokenizer

    def _optimiser(self, n_samples: int):
        """AdamW and its schedule: linear warm-up, then linear decay to 5% over all epochs."""
        n_batches = math.ceil(n_samples / self.batch_size)
        total_steps = max(1, n_batches * self.epochs)
        opt = torch.optim.AdamW(self.model_.parameters(), lr=self.lr, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt,
            lambda s: min(1.0, (s + 1) / self.warmup_steps)
            * max(0.05, 1 - s / total_steps),
        )
        return opt, sched

    def _resume(self, ckpt: Path | None, opt, sched, log: Any) -> dict[str, Any]:
        """The training state: the checkpoint's (weights, optimiser and schedule restored) or a fresh one."""
        state: dict[str, Any] = {"epoch": 0, "step": 0, "best": -math.inf, "best_epoch": 0, "bad_epochs": 0, "history": []}
        if ckpt is None:
            return state
        resumed = load_checkpoint(ckpt, self.model_, opt)
        if resumed is None:
            return state
        with warnings.catch_warnings():  # fast-forwarding the schedule, not training
            warnings.simplefilter("ignore", UserWarning)
            for _ in range(resumed["step"]):
                sched.step()
        if log:
            log(f"resumed from {ckpt} after epoch {resumed['epoch']}")
        return resumed

    def _epochs(self, src, tgt, dev, opt, sched, state: dict[str, Any], *, ckpt: Path | None,
                progress: bool, log: Any) -> dict[str, torch.Tensor] | None:
        """The epoch loop, each epoch checkpointed and logged; stops early after ``patience``
        epochs without improvement. Returns this run's best weights (None: no epoch improved)."""
        train_ids = self.output_ids_ if self.min_output_count > 0 else None
        best_weights = None
        for epoch in range(state["epoch"] + 1, self.epochs + 1):
            if state["bad_epochs"] >= self.patience:
                break
            loss = self._train_epoch(src, tgt, epoch, opt, sched, state, train_ids, progress)
            score = self._dev_accuracy(dev) if dev else -loss
            improved = self._early_stopping(state, score, epoch)
            if improved:
                best_weights = {k: v.clone() for k, v in state_dict_tensors(self.model_).items()}
            state["epoch"] = epoch
            state["history"].append({"epoch": epoch, "loss": loss, "dev_accuracy": score if dev else None})
            line = f"epoch {epoch}: loss {loss:.4f}" + (f", dev accuracy {score:.4f}" if dev else "")
            if ckpt is not None:
                save_checkpoint(ckpt, self.model_, opt, state, best=improved)
            if log:
                log(line + (" *" if improved else ""))
        return best_weights

    def _train_epoch(self, src, tgt, epoch: int, opt, sched, state: dict[str, Any], train_ids, progress: bool) -> float:
        """One pass over the training batches (seeded by epoch); the mean batch loss."""
        self.model_.train()
        batches = self._training_batches(src, np.random.default_rng(self.seed + epoch))
        bar = progress_bar(total=len(batches), desc=f"epoch {epoch}/{self.epochs}", enabled=progress, leave=False)
        total = 0.0
        for idx in batches:
            s, m, ti, to = self._batch([src[i] for i in idx], [tgt[i] for i in idx])
            with self._autocast():
                loss = self.model_(s, m, ti, to, train_ids)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model_.parameters(), 1.0)
            opt.step()
            sched.step()
            state["step"] += 1
            total += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
            bar.update(1)
        bar.close()
        return total / len(batches)

    @staticmethod
    def _early_stopping(state: dict[str, Any], score: float, epoch: int) -> bool:
        """Record ``score`` in the state's best / bad-epoch count; True when it improved."""
        if score > state["best"]:
            state.update(best=score, best_epoch=epoch, bad_epochs=0)
            return True
        state["bad_epochs"] += 1
        return False

    def _restore_best(self, best_weights: dict[str, torch.Tensor] | None, ckpt: Path | None) -> None:
        """Back to the best epoch's weights: this run's, else the checkpoint's best (a resumed run)."""
        if best_weights is not None:
            load_weights(self.model_, best_weights)
        elif ckpt is not None and (ckpt / "best.safetensors").is_file():
            load_best(ckpt, self.model_)

    def _model_config(self) -> PointerConfig:
        return PointerConfig(
            vocab_size=self.tokenizer_.get_vocab_size(),
            d_model=self.d_model,
            encoder_layers=self.encoder_layers,
            decoder_layers=self.decoder_layers,
            heads=self.heads,
            ffn_dim=self.ffn_dim,
            max_positions=self.max_source_len + 2,
            max_target_positions=self.max_target_len + 1,
            dropout=self.dropout,
            pad_id=self.tokenizer_.token_to_id(PAD),
            eos_id=self.eos_id_,
            copy_continuation=self.copy_continuation,
        )

    def _training_batches(self, src: list[list[int]], rng: np.random.Generator) -> list[np.ndarray]:
        """Shuffled batches of similar source length (sorted within chunks of 50 batches)."""
        order = rng.permutation(len(src))
        chunk = self.batch_size * 50
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start : start + chunk], key=lambda i: len(src[i]))
            batches += [np.array(part[i : i + self.batch_size]) for i in range(0, len(part), self.batch_size)]
        rng.shuffle(batches)
        return batches

    def _dev_accuracy(self, dev: tuple[Sequence[str], Sequence[Record]]) -> float:
        self._bf16_cache = (None, None)  # weights changed since the last cast
        predicted = self.translate(dev[0])
        attrs = self.record_schema.attributes
        hits = [
            np.mean([p[a].strip().lower() == g[a].strip().lower() for p, g in zip(predicted, dev[1])])
            for a in attrs
        ]
        self.model_.train()
        return float(np.mean(hits))

    def _autocast(self):
        use = self.bf16
        if use is None:
            use = bf16_supported()
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(use))

    def _set_threads(self) -> None:
        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        elif os.environ.get("GEOSCRIBE_THREADS"):
            torch.set_num_threads(int(os.environ["GEOSCRIBE_THREADS"]))

    # ------------------------------------------------------------------ decoding
    @torch.inference_mode()
    def translate(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> list[Record]:
        """Translate each text into a well-formed Record with a confidence per attribute."""
        check_fitted(self)
        self._set_threads()
        self.model_.eval()
        texts = [t if isinstance(t, str) else "" for t in texts]
        src = self._encode_sources(texts)
        order = sorted(range(len(src)), key=lambda i: len(src[i]))
        results: list[Record | None] = [None] * len(src)
        bar = progress_bar(total=len(src), desc="translating", unit="sample", enabled=progress)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            for i, rec in zip(idx, self._decode([src[i] for i in idx])):
                results[i] = rec
            bar.update(len(idx))
        bar.close()
        return results  # type: ignore[return-value]

    def _inference_model(self) -> PointerBart:
        """The model in bfloat16 where the CPU runs it natively (cast once, not per call)."""
        use = bf16_supported() if self.bf16 is None else self.bf16
        if not use:
            return self.model_
        key = id(self.model_), self.model_.training
        if getattr(self, "_bf16_cache", (None, None))[0] != key:
            import copy

            self._bf16_cache = (key, copy.deepcopy(self.model_).to(torch.bfloat16).eval())
        return self._bf16_cache[1]

    def _decode(self, src: list[list[int]]) -> list[Record]:
        model, schema = self._inference_model(), self.record_schema
        s, mask = self._batch(src)
        a = len(schema.attributes)
        memory = model.encode(s, mask)
        n = s.size(0) * a
        tokens = torch.tensor(self._attr_ids(), dtype=torch.long).repeat(len(src))[:, None]
        out = torch.zeros((n, self.max_target_len), dtype=torch.long)
        logp = torch.zeros(n)
        lengths = torch.full((n,), self.max_target_len, dtype=torch.long)
        done = torch.zeros(n, dtype=torch.bool)
        caches = None
        for step in range(self.max_target_len):
            h, caches = model.decode_step(tokens, memory, a, start=step, caches=caches)
            conf, nxt = model.greedy_next(h, memory, a, self.output_ids_, prev=tokens)
            out[:, step] = nxt
            logp += torch.where(done, 0.0, torch.log(conf.clamp_min(1e-9)))
            finished = (nxt == self.eos_id_) & ~done
            lengths[finished] = step
            done |= finished
            if done.all():
                break
            tokens = nxt[:, None]
        records = []
        attrs = schema.attributes
        for b in range(len(src)):
            values, confidence = {}, {}
            for j, attr in enumerate(attrs):
                r = b * a + j
                ids = out[r, : lengths[r]].tolist()
                value = decode(self.tokenizer_, ids)
                values[attr] = value or NONE
                confidence[attr] = round(float(math.exp(logp[r].item())), 4) if value else 0.0
            records.append(Record(schema, values, confidence))
        return records

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path, *, metadata: dict[str, Any] | None = None) -> Path:
        check_fitted(self)
        meta = {
            "data_hash": self.data_hash_,
            "epochs_trained": self.epochs_trained_,
            "best_dev_accuracy": self.best_dev_accuracy_,
            "history": self.history_,
            **(metadata or {}),
        }
        path = write_model_files(self, path, metadata=meta)
        self.tokenizer_.save(str(path / "tokenizer.json"))
        (path / "model_config.json").write_text(json.dumps(self.model_.config.to_dict(), indent=2) + "\n")
        tensors = {k: v.contiguous() for k, v in state_dict_tensors(self.model_).items()}
        if self.output_ids_ is not None:
            tensors["output_ids"] = self.output_ids_
        save_file(tensors, str(path / "model.safetensors"))
        return path

    @classmethod
    def load(cls, path: str | Path) -> Seq2SeqTranslator:
        path = Path(path)
        self = new_from_config(cls, path)
        try:
            get_schema(self.schema)
            self.tokenizer_ = load_tokenizer(path / "tokenizer.json")
            self.eos_id_ = self.tokenizer_.token_to_id(EOS)
            model_config = PointerConfig(**json.loads((path / "model_config.json").read_text()))
            self.model_ = PointerBart(model_config)
            tensors = load_file(str(path / "model.safetensors"))
            self.output_ids_ = tensors.pop("output_ids", None)
            load_weights(self.model_, tensors)
        except ModelError:
            raise
        except Exception as exc:  # corrupt or mismatched files: one line, no traceback
            raise ModelError(f"Model directory {path} is corrupt or incomplete: {type(exc).__name__}: {str(exc)[:200]}.") from None
        self.model_.eval()
        meta_file = path / "metadata.json"
        meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
        self.history_ = meta.get("history", [])
        self.best_dev_accuracy_ = meta.get("best_dev_accuracy")
        self.epochs_trained_ = meta.get("epochs_trained", 0)
        self.data_hash_ = meta.get("data_hash", "")
        return self
