"""Charts drawn on the server as SVG, for pages and PDFs alike.

Every chart comes back as a ``Chart``: the SVG markup with its own title and description, plus
the same data as a table, so a page (``templates/components/chart.html``) can offer both and no
reader depends on seeing the picture. Status is shown by shape and text as well as colour.
Full charts also come drawn for a phone (``Chart.narrow_svg``), which the page shows when the
wide drawing's text would be under 12 px (decision 0017).

- ``charts.spc.spc_chart``: the XmR chart of an indicator (NHS Making Data Count)
- ``charts.sparkline.sparkline``: a tiny trend line for a scorecard row
- ``charts.bars.comparison_bars``: horizontal bars comparing authorities
- ``charts.ranks.rank_chart``: the council's rank in its comparator group over time, against
  the quartile bands
"""
