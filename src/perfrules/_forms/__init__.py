"""The official form's layout, and workbooks in (filled forms) and out (reports, templates)."""
