"""Report formats: terminal table, JSON, CSV, HTML, Markdown and PDF."""
