"""Text -> Record models behind one interface (``fit``, ``translate``, ``save``, ``load``)."""

from .base import Translator, check_fitted, load_model, model_class

__all__ = ["Translator", "check_fitted", "load_model", "model_class"]
