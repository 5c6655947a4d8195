"""Reading results: explanations, findings for a reviewer, summaries across units."""
