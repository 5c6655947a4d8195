"""What a unit supplies: its facts (with claims, reasons and measures) and a reviewer's scores."""
