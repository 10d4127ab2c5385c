"""Charts of the evaluation, drawn on the server as SVG (pygal, no script, no CDN).

Each chart comes with the rows it was drawn from, so that templates print an
accessible data table beside it.
"""

from dataclasses import dataclass

import pygal
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from pygal.etree import etree
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#262626",
    foreground_strong="#262626",
    foreground_subtle="#5c5c5c",
    colors=("#007d7e",),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=16,
)


@dataclass
class Chart:
    key: str
    title: str
    rows: list  # (label, value) pairs, the data table of the chart
    unit: str = ""

    @property
    def svg(self):
        chart = pygal.HorizontalBar(
            js=[],  # pygal would otherwise load its tooltips script from the Internet
            disable_xml_declaration=True,
            show_legend=False,
            print_values=True,
            style=STYLE,
            width=720,
            height=max(160, 40 * len(self.rows) + 60),
            margin=8,
            explicit_size=False,
        )
        # pygal stacks horizontal bars from the bottom up: reverse, so that the chart
        # reads in the same order as its data table.
        rows = self.rows[::-1]
        chart.x_labels = [label for label, _value in rows]
        chart.add(self.title, [value or 0 for _label, value in rows], formatter=lambda v: f"{v:g}{self.unit}")
        tree = chart.render_tree()
        # pygal always writes an inline configuration script for its tooltips; a
        # printed report needs none, and a page with a strict CSP would refuse it.
        for parent in list(tree.iter()):
            for child in list(parent):
                if str(child.tag).endswith("script"):
                    parent.remove(child)
        return mark_safe(etree.tostring(tree, encoding="unicode"))


SERIES = (
    ("hours_2", "hours", lambda: _("Hours given per month"), " h"),
    ("needs_status_", "needs_status", lambda: _("Needs by status"), ""),
    ("needs_kind_", "needs_kind", lambda: _("Needs by kind of action"), ""),
    ("ratings_", "ratings", lambda: _("Satisfaction: ratings given"), ""),
)


def charts_from(indicators):
    """The evaluation's charts, built from the series rows of ``indicators.compute``."""
    charts = []
    for prefix, key, title, unit in SERIES:
        rows = [
            (row.short_label, round(row.value or 0, 1) if isinstance(row.value, float) else row.value)
            for row in indicators
            if row.key.startswith(prefix) and row.short_label
        ]
        charts.append(Chart(key, title(), rows, unit))
    return charts
