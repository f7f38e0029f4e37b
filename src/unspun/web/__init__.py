"""``unspun serve``: a web page and an HTTP JSON API over the trace and check pipelines.

Needs the ``web`` extra (``pip install 'unspun[web]'``). Build the app with
:func:`unspun.web.app.create_app` and serve it with any ASGI server.
"""
