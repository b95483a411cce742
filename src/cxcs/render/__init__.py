"""Turn result models into text: one module per output format.

Commands first build a format-neutral :class:`~cxcs.render.view.Report` (tables plus the
JSON payload); each format module renders a report.
"""
