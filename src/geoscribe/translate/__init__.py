"""Text -> Record models behind one interface (``fit``, ``translate``, ``save``, ``load``)."""

from .base import Translator, check_fitted, load_model, model_class
from .defaults import default_model_path, get_model, translate, translate_stream

__all__ = [
    "Translator",
    "check_fitted",
    "default_model_path",
    "get_model",
    "load_model",
    "model_class",
    "translate",
    "translate_stream",
]
