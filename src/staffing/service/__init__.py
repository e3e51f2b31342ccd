"""The HTTP service: jobs with progress, cancellation and time limits over an embedded store.

``staffing serve --data DIR`` starts it (the ``service`` extra installs FastAPI and
uvicorn). Modules, bottom to top: `config` (settings, tokens), `store` (SQLite and
job folders), `adapter` (every engine call), `worker` (a worker process), `pool`
(the bounded worker pool and its supervisor), `inputs` (reading requests safely),
`results` (outputs by Accept type), `schemas` (the API's bodies), `app` (the FastAPI
application) and `server` (start-up). Nothing else in the package imports this one.
"""
