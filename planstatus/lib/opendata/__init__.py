"""Open data: a plan as CSV, .xlsx and JSON.

`model.py` is the one plain content model (no Django); the database-facing service that fills
it is `planstatus.api.opendata`. Each format module turns a `PlanDocument` into bytes and
knows nothing of the database, of requests or of who is asking: whether internal details are
in the document is decided before it reaches them (`PlanDocument.internal`).
"""
