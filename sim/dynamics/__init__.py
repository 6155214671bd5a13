"""The monthly phases: each takes the model and applies the rules of one stage."""
