"""Report builders that run after the suites: `stage.post_run` (the entry point), the landing
page and version matrix (`index`, `matrix`, `page`), the baseline, the Markdown summary, the
upgrade report and the regression diff. They read results.json through `squarecheck.results`.
"""
