"""Renderers: findings, obligations and openness reports as text, markdown and JSON."""
