"""The engine: a spec's plan, facts bound to it, the scoring run and its results."""
