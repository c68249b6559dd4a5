"""``hiprom serve``: upload clips from a phone's browser, review results, compare sessions.

A thin layer over :mod:`hiprom.pipeline` and :mod:`hiprom.store`; analyses run
outside the request (:mod:`hiprom.web.jobs`).
"""
