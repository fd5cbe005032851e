"""Textomics: GEO data matrices paired with their authors' summaries (second seed paper).

Submodules: :mod:`.dataset` (builder, storage, release loader), :mod:`.metrics`,
:mod:`.encoders` (sentence embeddings), :mod:`.simulate` (semi-synthetic vectors),
:mod:`.vec2text`, :mod:`.text2vec`, :mod:`.crossval`, :mod:`.applications`, :mod:`.describe`
(new series -> summary with evidence; Text2Vec predictions as tables). Torch is imported only
by the model modules.
"""

from .crossval import cross_validate
from .dataset import BuildReport, TextomicsDataset, build_dataset, clean_summary, load_datasets, load_release

__all__ = ["BuildReport", "TextomicsDataset", "build_dataset", "clean_summary", "cross_validate", "load_datasets",
           "load_release"]
