"""The plans' writes that span models, one module per task (Zulip's `actions/`).

Each is a verb-named function with keyword-only arguments that runs in one transaction.
Reads live beside them: outline.py, dashboard.py, lineage.py, audit.py.
"""
