"""Self-contained HTML reports: Jinja2 templates and static SVG charts (pygal), no network needed.

`render` fills a template; `charts` draws the plots. The gate and the load run each have a writer
of their own (`telecontract.contract.reports.html`, `telecontract.load.report`) that gathers the
figures and calls these.
"""
