"""The lm-evaluation-harness hooks of khabar's tasks (`!function utils.NAME` in the YAMLs
beside this file). lm-eval loads this file by its path; everything lives in
`khabar.harness.lmeval`."""

from khabar.harness.lmeval import dataset, f1, precision, process_results, recall

__all__ = ["dataset", "f1", "precision", "process_results", "recall"]
