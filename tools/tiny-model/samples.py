"""Write a model's demo prompts and annotation sample from its eval set (held-out examples, so expected answers are
known): demo-prompts.jsonl (PromptRequest JSON, one prompt per chosen difficulty level) and annotate-sample.jsonl
(records with a 'cells' field for `muninn annotate --template '<|begin_text|>{cells}='`).

    python3 tools/tiny-model/samples.py models/huginn-tiny-chains --demo-levels 1,4,8,12,16 --annotate-per-level 2
"""
import argparse
import json
import os
from collections import defaultdict

BEGIN = "<|begin_text|>"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model_dir")
    p.add_argument("--demo-levels", default="1,4,8,12,16", help="difficulty levels with one demo prompt each")
    p.add_argument("--annotate-per-level", type=int, default=2, help="annotation records per difficulty level")
    a = p.parse_args()
    with open(os.path.join(a.model_dir, "eval.jsonl")) as f:
        examples = [json.loads(line) for line in f]
    by_level = defaultdict(list)
    for ex in examples:
        by_level[ex["difficulty"]].append(ex)
    answer_tokens = max(len(ex["answer_ids"]) for ex in examples)  # the answer and <|end_text|>

    with open(os.path.join(a.model_dir, "demo-prompts.jsonl"), "w") as f:
        for d in (int(x) for x in a.demo_levels.split(",")):
            ex = by_level[d][0]
            f.write(json.dumps({"request_id": "jumps-d%d" % d, "input": {"prompt": ex["prompt"]},
                                "generation": {"max_new_tokens": answer_tokens},
                                "metadata": {"difficulty": str(d), "expected": ex["answer"]}}) + "\n")
    with open(os.path.join(a.model_dir, "annotate-sample.jsonl"), "w") as f:
        n = 0
        for d in sorted(by_level):
            for ex in by_level[d][:a.annotate_per_level]:
                assert ex["prompt"].startswith(BEGIN) and ex["prompt"].endswith("=")
                f.write(json.dumps({"id": "row-%d" % n, "cells": ex["prompt"][len(BEGIN):-1], "difficulty": d,
                                    "expected": ex["answer"]}) + "\n")
                n += 1


if __name__ == "__main__":
    main()
