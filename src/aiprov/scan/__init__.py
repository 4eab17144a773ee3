"""Discover the supply chain from what is on disk: Hugging Face repos and cache, weight files, Python environments, project code."""
