"""The pointer seq2seq translator: :class:`Seq2SeqTranslator`, with its parts

``pointer_model`` (the pointer-BART network), ``tokenizer`` (its byte-fallback
BPE) and ``checkpoint`` (resumable training state as safetensors + JSON).
"""

from .translator import Seq2SeqTranslator

__all__ = ["Seq2SeqTranslator"]
