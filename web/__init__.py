"""App-wide web plumbing: what every feature needs, written once, importing no feature.

security (headers, production checks), assets (static files and vendored scripts under
hashed names, compressed once), fastpage (the anonymous page replayed), errors (one error
type, one JSON-or-page handler), reader (the anonymous learner id and CSRF token) and
openapi (the API description, assembled from what the features contribute).
"""
