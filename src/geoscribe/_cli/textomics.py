"""``geoscribe textomics ...``: build the dataset, run Vec2Text/Text2Vec and the analyses."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import typer

from ..io.records import read_text_pairs
from .common import user_errors


def show_warnings(func):
    """Print the library's TextomicsWarnings as ``Warning: ...`` lines on stderr (no file/line noise)."""
    from ..textomics._util import TextomicsWarning

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TextomicsWarning)
            try:
                return func(*args, **kwargs)
            finally:
                for w in caught:
                    if issubclass(w.category, TextomicsWarning):
                        typer.echo(f"Warning: {w.message}", err=True)
                    else:
                        warnings.showwarning(w.message, w.category, w.filename, w.lineno)

    return wrapper


@user_errors
@show_warnings
def build(
    geo_dir: Path = typer.Argument(..., help="Folder of GEO files: GSE*_series_matrix.txt[.gz], GSE*[_family].soft[.gz], "
                                             "GDS*.soft[.gz] (searched recursively)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder for <platform>.npz/.json and build_report.json."),
    n_features: int = typer.Option(20_000, help="Features kept per platform (lowest missing rate)."),
    max_words: int = typer.Option(64, help="Summary truncation, in words."),
    log2: str = typer.Option("auto", help="auto (log2 a series whose values look raw: median > 20 or max > 100) | on | off."),
    normalise: str = typer.Option("none", help="Per-series normalisation after imputation: none | quantile | rank."),
    max_missing: float = typer.Option(1.0, help="Drop features missing in more than this fraction of a platform's "
                                                "samples, and series missing more than this fraction of the kept values."),
    min_series: int = typer.Option(1, help="Drop platforms with fewer series than this."),
    release: bool = typer.Option(False, help="GEO_DIR holds published Textomics <platform>.npy files instead."),
    trust_pickle: bool = typer.Option(False, help="Allow pickled .npy release files (they can run code)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no per-file report on stderr."),
) -> None:
    """Build per-platform (five-number vector, summary) datasets; report every file, series and platform."""
    import json

    from ..errors import InputError
    from ..io import atomic_write
    from ..textomics.dataset import BuildReport, build_dataset, load_release

    if release:
        files = sorted(Path(geo_dir).glob("*.npy"))
        if not files:
            raise InputError(f"{geo_dir}: no .npy release files.")
        datasets = {d.platform: d for d in (load_release(f, trust_pickle=trust_pickle) for f in files)}
    else:
        report = BuildReport()
        try:
            datasets = build_dataset(geo_dir, n_features=n_features, max_words=max_words, log2=log2,
                                     normalise=normalise, max_missing=max_missing, min_series=min_series,
                                     report=report, progress=not quiet)
        finally:
            if not quiet:
                for line in report.lines():
                    typer.echo(line, err=True)
        Path(out).mkdir(parents=True, exist_ok=True)
        with atomic_write(Path(out) / "build_report.json") as fh:
            json.dump(report.to_json(), fh, indent=1)
    for p, d in sorted(datasets.items()):
        d.save(out)
        typer.echo(f"{p}\t{len(d)} series\t{d.vectors.shape[1]} dims")


def _load(dataset: Path):
    from ..textomics.dataset import TextomicsDataset

    return TextomicsDataset.load(dataset)


@user_errors
@show_warnings
def vec2text(
    dataset: Path = typer.Argument(..., help="A <platform>.json dataset."),
    model: str = typer.Option("knn", help="knn | knn-paper (every geoscribe addition off) | mlp | nn"),
    folds: int = typer.Option(5, help="Cross-validation folds (0: no cross-validation, only --save)."),
    epochs: int = typer.Option(12),
    paper_metrics: bool = typer.Option(False, help="Also score as the authors do (ROUGE recall with stemming, "
                                                   "single-order BLEU-n, space tokens)."),
    save: Path = typer.Option(None, help="Also fit on all series and save the model here (for 'describe')."),
) -> None:
    """Cross-validated Vec2Text scores (BLEU, ROUGE, METEOR, NIST)."""
    from ..errors import InputError
    from ..textomics.crossval import cross_validate, vec2text_model
    from ..textomics.metrics import METEOR_VARIANT

    if folds == 0 and not save:
        raise InputError("--folds 0 skips cross-validation; give --save DIR to fit and save a model instead.")
    if folds:
        scores = cross_validate(dataset, "vec2text", model=model, folds=folds, epochs=epochs,
                                paper_metrics=paper_metrics)
        for k, v in scores.items():
            typer.echo(f"{k.replace('METEOR', METEOR_VARIANT)}\t{v:.4f}")
    if save:
        _save_fitted(vec2text_model(model, epochs=epochs), _load(dataset), save, "summary")


def _save_fitted(model, ds, save: Path, text_field: str) -> None:
    """Fit on every series of ``ds``, save, and store the platform beside the model."""
    from ..textomics.describe import save_platform

    if hasattr(model, "embed"):  # Text2Vec: from text embeddings
        model.fit(model.embed(ds.texts(text_field)), ds.vectors)
    else:
        model.fit(ds.vectors, ds.summaries)
    model.save(save)
    if ds.features:
        save_platform(ds, save, text_field=text_field)
        typer.echo(f"saved {len(ds)}-series {ds.platform} model to {save}", err=True)
    else:
        typer.echo(f"saved the model to {save}; the dataset has no feature list (a release?), so "
                   "'describe' cannot use it", err=True)


@user_errors
@show_warnings
def text2vec(
    dataset: Path = typer.Argument(..., help="A <platform>.json dataset."),
    encoder: str = typer.Option(None, help="Local encoder directory (default all-MiniLM-L6-v2), or 'release': "
                                           "the published release's precomputed embeddings."),
    pooling: str = typer.Option("layers", help="Embedding: 'layers' (every layer pooled) or 'last'."),
    shrink: bool = typer.Option(True, help="Shrink towards the mean by a factor fitted on held-out pairs."),
    text: str = typer.Option("summary", help="Text of a series: summary | title+summary (the paper's)."),
    folds: int = typer.Option(5, help="Cross-validation folds (0: no cross-validation, only --save)."),
    save: Path = typer.Option(None, help="Also fit on all series and save the model here (for 'predict')."),
) -> None:
    """Cross-validated Text2Vec RMSE and its improvement over the mean-vector baseline."""
    from ..errors import InputError
    from ..textomics.crossval import cross_validate
    from ..textomics.text2vec import Text2Vec

    if folds == 0 and not save:
        raise InputError("--folds 0 skips cross-validation; give --save DIR to fit and save a model instead.")
    if save and encoder == "release":
        raise InputError("--save with --encoder release: new texts cannot be embedded the way the release's were; "
                         "save a model with a local encoder (the default, or --encoder DIR).")
    if folds:
        r = cross_validate(dataset, "text2vec", folds=folds, encoder=encoder, pooling=pooling, shrink=shrink,
                           text_field=text)
        typer.echo(f"mean baseline RMSE\t{r['baseline_rmse']:.4f}\nText2Vec RMSE\t{r['text2vec_rmse']:.4f}\n"
                   f"improvement\t{r['improvement_pct']:+.1f}%")
    if save:
        _save_fitted(Text2Vec(encoder=encoder, pooling=pooling, shrink=shrink), _load(dataset), save, text)


@user_errors
@show_warnings
def predict(
    model: Path = typer.Argument(..., help="A Text2Vec model saved by 'textomics text2vec --save'."),
    texts: Path = typer.Argument(..., help="A .txt file (one text per line) or a CSV/TSV with a 'summary' column "
                                           "(and optional 'id', 'title')."),
    output: Path = typer.Option(..., "--output", "-o", help="Output table: .csv, .tsv or .jsonl."),
) -> None:
    """Text2Vec: predict each text's five-number vector and write it as a table (one row per text)."""
    from ..textomics.describe import predict_vectors, read_texts, write_vectors

    ids, items = read_texts(texts)
    columns, vectors = predict_vectors(model, items)
    n = write_vectors(output, ids, columns, vectors)
    typer.echo(f"wrote {n} vectors of {len(columns)} values to {output}", err=True)


@user_errors
@show_warnings
def describe(
    files: list[Path] = typer.Argument(..., help="GEO files: GSE*_series_matrix.txt[.gz], GSE*[_family].soft[.gz], "
                                                 "GDS*.soft[.gz]."),
    model: Path = typer.Option(..., "--model", "-m", help="A Vec2Text model saved by 'textomics vec2text --save'."),
    neighbours: int = typer.Option(3, help="Nearest training series shown as evidence."),
    output: Path = typer.Option(None, "--output", "-o", help="Write a .csv or .jsonl table instead of printing."),
) -> None:
    """Describe new series: a summary per series, with the nearest training series and their distances."""
    from ..textomics.describe import describe_files, format_row, write_rows

    rows = describe_files(files, model, neighbours=neighbours)
    if output:
        n = write_rows(rows, output)
        typer.echo(f"wrote {n} rows to {output}", err=True)
    else:
        typer.echo("\n\n".join(format_row(r) for r in rows))


@user_errors
@show_warnings
def feasibility_cmd(
    dataset: Path = typer.Argument(..., help="A <platform>.json dataset."),
    encoder: str = typer.Option(None, help="Local encoder directory (default all-MiniLM-L6-v2)."),
) -> None:
    """Spearman correlation of text similarity and vector similarity (paper Table S2)."""
    from ..textomics.applications import feasibility
    from ..textomics.encoders import encode

    ds = _load(dataset)
    typer.echo(f"{ds.platform}\t{feasibility(encode(ds.summaries, encoder=encoder), ds.vectors):.4f}")


@user_errors
@show_warnings
def paper_eval(
    pairs: Path = typer.Argument(..., help="CSV/TSV with columns summary,text (e.g. paper abstracts)."),
    encoder: list[str] = typer.Option(None, help="Encoder directories to compare (repeatable)."),
) -> None:
    """Spearman of pairwise summary vs paper-text distances, per encoder (paper section 6.1)."""
    from ..textomics.applications import paper_embedding_score
    from ..textomics.encoders import encode

    summaries, texts = read_text_pairs(pairs)
    for enc in encoder or [None]:
        score = paper_embedding_score(encode(summaries, encoder=enc), encode(texts, encoder=enc))
        typer.echo(f"{enc or 'all-MiniLM-L6-v2'}\t{score:.4f}")


@user_errors
@show_warnings
def masked(
    pairs: Path = typer.Argument(..., help="CSV/TSV with columns summary,text."),
    vocabulary: Path = typer.Option(..., help="Keyword list, one per line."),
    encoder: str = typer.Option(None),
) -> None:
    """Masked-keyword prediction accuracy (paper section 6.2)."""
    from ..errors import InputError
    from ..textomics.applications import masked_keyword

    summaries, texts = read_text_pairs(pairs)
    try:
        vocab = [w.strip() for w in vocabulary.read_text().splitlines() if w.strip()]
    except OSError as exc:
        raise InputError(f"{vocabulary}: cannot read keyword list ({exc.strerror}).") from None
    for k, v in masked_keyword(summaries, texts, vocab, encoder=encoder).items():
        typer.echo(f"{k}\t{v:.4f}" if isinstance(v, float) else f"{k}\t{v}")


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Textomics: GEO data vectors <-> series summaries (second seed paper).",
                      no_args_is_help=True)
    sub.command("build")(build)
    sub.command("vec2text")(vec2text)
    sub.command("text2vec")(text2vec)
    sub.command("predict")(predict)
    sub.command("describe")(describe)
    sub.command("feasibility")(feasibility_cmd)
    sub.command("paper-eval")(paper_eval)
    sub.command("masked")(masked)
    app.add_typer(sub, name="textomics")
