"""The read-only JSON API, /api/v1, for Power BI, Excel and scripts: personal access tokens
(auth.py), rate-limited per token, errors as problem details (problems.py), and its OpenAPI 3.1
document at /api/v1/openapi.json generated from the code by flask-smorest (openapi.py)."""
