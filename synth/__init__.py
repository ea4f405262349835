"""Synthetic county: a full inbox of CONTRACT.md tables with deliberate
anomalies, and its ground truth computed by an independent oracle of RULES.md.

    from synth import generate
    counts = generate(people, seed, as_of, out, truth, config)

See README.md beside this file.
"""
from synth.generate import generate

__all__ = ["generate"]
