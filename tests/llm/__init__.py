"""Tests of the LLM generator against a fake OpenAI-compatible endpoint."""
