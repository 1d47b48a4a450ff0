"""gunicorn's settings for the site: ``gunicorn -c imrsite/gunicorn_conf.py imrsite.wsgi``.

Each worker is warmed (search/warmup.py) before it takes a request. The rest are the README's
deployment defaults; gunicorn's own command-line options override them.
"""
bind = "127.0.0.1:8000"
workers = 2
timeout = 60
accesslog = "-"


def post_worker_init(worker) -> None:
    from search.warmup import warm

    warm()
