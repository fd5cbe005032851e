"""Accuracy and throughput of the main translator on the seeded 90/10 split.

Prints per-attribute and mean accuracy, weighted precision/recall, the
present/absent split, and translation throughput; and, in the same run, the
throughput of a GPT-2-small-sized model (transformers ``GPT2Config()`` defaults,
random weights, same inputs, same output length in tokens, same batch) as the
cost proxy of the seed paper's translator, with the ratio.

    python benchmarks/translator_bench.py --schema cistrome                  # the bundled model
    python benchmarks/translator_bench.py --schema encode --train runs/enc   # retrain first (~30 min)

Run it alone: a second heavy process on 2 cores distorts timings 10-30x.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from geoscribe.evaluate import evaluate
from geoscribe.paths import data_dir
from geoscribe.translate import default_model_path, load_model
from geoscribe.translate.training import read_training_pairs, split_pairs, train_model


def throughput(fn, n: int) -> float:
    start = time.perf_counter()
    fn()
    return n / (time.perf_counter() - start)


@torch.inference_mode()
def gpt2_proxy_rate(src_ids: list[list[int]], new_tokens: int, batch_size: int) -> float:
    """Samples/s of greedy decoding with a random GPT-2 small over the same inputs."""
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    start = time.perf_counter()
    for i in range(0, len(src_ids), batch_size):
        batch = src_ids[i : i + batch_size]
        width = max(map(len, batch))
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for j, seq in enumerate(batch):  # left padding, as for batched generation
            ids[j, width - len(seq) :] = torch.tensor(seq)
            mask[j, width - len(seq) :] = 1
        model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new_tokens,
                       min_new_tokens=new_tokens, do_sample=False, pad_token_id=0)
    return len(src_ids) / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", default="cistrome", choices=["cistrome", "encode"])
    ap.add_argument("--model", help="model directory (default: the bundled one, trained on this split)")
    ap.add_argument("--train", metavar="DIR", help="train a new model into DIR on the split first")
    ap.add_argument("--kind", default="hybrid", help="model kind for --train (default: hybrid, the bundled kind)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--proxy-samples", type=int, default=32, help="samples decoded by the GPT-2 proxy")
    ap.add_argument("--proxy-batch", type=int, default=16)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    pairs = data_dir() / args.schema / "pairs.csv"
    texts, records = read_training_pairs(pairs, args.schema)
    split = split_pairs(texts, records, dev_fraction=0.1, seed=0)
    if args.train:
        model, _ = train_model(pairs, args.train, schema=args.schema, kind=args.kind,
                               progress=True, log=print)
    else:
        model = load_model(args.model or default_model_path(args.schema))
    print(f"{args.schema}: {len(split.train_texts)} train / {len(split.dev_texts)} dev pairs, "
          f"{torch.get_num_threads()} torch threads, model {args.model or args.train or 'bundled'}")

    model.translate(split.dev_texts[: args.batch_size], batch_size=args.batch_size)  # warm-up
    predicted = []
    rate = throughput(lambda: predicted.extend(model.translate(split.dev_texts, batch_size=args.batch_size)),
                      len(split.dev_texts))
    report = evaluate(split.dev_records, predicted, inputs=split.dev_texts,
                      train_inputs=split.train_texts, train_records=split.train_records)
    print(report.to_markdown())

    # the GPT-2 proxy: same inputs (our token ids), as many new tokens as our rendered outputs have
    rng = np.random.default_rng(0)
    idx = rng.choice(len(split.dev_texts), size=min(args.proxy_samples, len(split.dev_texts)), replace=False)
    tokens_of = getattr(model, "seq2seq_", model)  # the hybrid's inputs are its seq2seq's
    src = tokens_of._encode_sources([split.dev_texts[i] for i in idx])
    out_len = int(np.mean([len(tokens_of.tokenizer_.encode(split.dev_records[i].render()).ids) for i in idx]))
    ours_same = throughput(lambda: model.translate([split.dev_texts[i] for i in idx], batch_size=args.proxy_batch), len(idx))
    proxy = gpt2_proxy_rate(src, out_len, args.proxy_batch)
    print("\n| measure | samples/s |\n|---|---:|")
    print(f"| geoscribe {model.kind}, dev set, batch {args.batch_size} | {rate:.1f} |")
    print(f"| geoscribe {model.kind}, proxy subset, batch {args.proxy_batch} | {ours_same:.1f} |")
    print(f"| GPT-2 small proxy (random weights, {out_len} new tokens), batch {args.proxy_batch} | {proxy:.2f} |")
    print(f"\nspeed ratio (same subset, same batch): {ours_same / proxy:.1f}x")
    print(f"mean accuracy {report.overall.accuracy:.4f}, weighted precision {report.overall.precision:.4f}, "
          f"weighted recall {report.overall.recall:.4f}")


if __name__ == "__main__":
    main()
