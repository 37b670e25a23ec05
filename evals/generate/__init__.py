"""Generating evaluation data from the corpus with the local model, validated before it is kept."""
