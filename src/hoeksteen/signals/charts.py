"""Charts of the published figures: SVG drawn on the server with pygal.

Only published figures are drawn; a hidden figure is a gap in the bars, and
the legend says why. The SVG carries no script: pygal's own JavaScript is
switched off (`js=[]`) and the small configuration script it still writes is
taken out of the tree, so the chart works as an <img> and in a PDF alike.
"""

from __future__ import annotations

import pygal  # type: ignore[import-untyped]
from django.utils.translation import gettext as _
from pygal.etree import etree  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from hoeksteen.signals.selectors import SignalsReport

_STYLE = Style(
    font_family="DejaVu Sans, Helvetica, Arial, sans-serif",
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=("#1f5f8b", "#c26b1a", "#3f8f5a", "#8b3f7a"),
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def category_chart(report: SignalsReport) -> bytes:
    """A bar chart of the meldingen per category, one bar per period; hidden figures are gaps."""
    chart = pygal.Bar(
        js=[],
        style=_STYLE,
        width=900,
        height=420,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        x_label_rotation=20,
        truncate_label=-1,
        truncate_legend=-1,
        print_values=False,
        show_y_guides=True,
        min_scale=1,
        title=_("Meldingen per category, %(year)s") % {"year": report.year},
    )
    chart.x_labels = list(report.table.row_labels)
    for p, label in enumerate(report.period_labels):
        chart.add(label, [row[p] for row in report.table.cells])
    if report.table.hidden_cells:
        # An empty series puts the explanation in the legend.
        chart.add(gap_note(report.k), [None] * len(report.table.row_labels))
    root = chart.render_tree()
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "script":
                parent.remove(child)
    svg: bytes = etree.tostring(root, encoding="utf-8")
    return svg


def gap_note(k: int) -> str:
    return _("Gap: hidden, fewer than %(k)s meldingen or hidden to protect such a number.") % {
        "k": k
    }


def hidden_note(k: int) -> str:
    """What the sign of a hidden figure in a table means."""
    return _("Hidden: fewer than %(k)s meldingen, or hidden to protect such a number.") % {"k": k}
