"""The spec layer: the model of a framework, reading and checking it, writing it back, inheritance,
skeletons with slots, and grading scales."""
