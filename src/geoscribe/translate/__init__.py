"""Text -> Record models behind one interface (``fit``, ``translate``, ``save``, ``load``).

:data:`MODELS` is the public registry (kind -> class); :func:`load_model` loads any saved
model directory by the kind in its config.json.
"""

from .base import MODELS, Translator, check_fitted, load_model, model_class
from .defaults import default_model_path, get_model, translate, translate_stream

__all__ = [
    "MODELS",
    "Translator",
    "check_fitted",
    "default_model_path",
    "get_model",
    "load_model",
    "model_class",
    "translate",
    "translate_stream",
]
