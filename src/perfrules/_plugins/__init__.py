"""The registry of what plugins provide, and perfrules' own plugin."""
