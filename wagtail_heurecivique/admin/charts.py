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
    colors=("#007d7e", "#a5480f"),  # the second series (volunteers' ratings) in a contrasting brown
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
    rows: list  # (label, values) pairs, one value per series: the data table of the chart
    unit: str = ""
    series: tuple = ()  # the names of the series, when there are several: the table's column headings

    @property
    def svg(self):
        chart = pygal.HorizontalBar(
            js=[],  # pygal would otherwise load its tooltips script from the Internet
            disable_xml_declaration=True,
            show_legend=len(self.series) > 1,
            legend_at_bottom=True,
            print_values=True,
            style=STYLE,
            width=720,
            height=max(160, 40 * len(self.rows) * max(1, len(self.series)) + (100 if len(self.series) > 1 else 60)),
            margin=8,
            explicit_size=False,
        )
        # pygal stacks horizontal bars from the bottom up: reverse, so that the chart
        # reads in the same order as its data table.
        rows = self.rows[::-1]
        chart.x_labels = [label for label, _values in rows]
        # Within a bar's group, the first series is drawn on top, like the first column of the table.
        for index in range(max(1, len(self.series))):
            name = self.series[index] if self.series else self.title
            chart.add(name, [values[index] or 0 for _label, values in rows], formatter=lambda v: f"{v:g}{self.unit}")
        tree = chart.render_tree()
        # pygal always writes an inline configuration script for its tooltips; a
        # printed report needs none, and a page with a strict CSP would refuse it.
        for parent in list(tree.iter()):
            for child in list(parent):
                if str(child.tag).endswith("script"):
                    parent.remove(child)
        return mark_safe(etree.tostring(tree, encoding="unicode"))


# (key, title, unit, series): each series is the key prefix of its rows and, when a chart
# has several, the name shown in its legend and as a column of its data table.
CHARTS = (
    ("hours", lambda: _("Hours given per month"), " h", [("hours_2", None)]),
    ("needs_status", lambda: _("Needs by status"), "", [("needs_status_", None)]),
    ("needs_kind", lambda: _("Needs by kind of action"), "", [("needs_kind_", None)]),
    ("actions_kind", lambda: _("Actions held by kind"), "", [("actions_kind_", None)]),
    (
        "ratings",
        lambda: _("Satisfaction: ratings given"),
        "",
        [("ratings_", lambda: _("By beneficiaries")), ("volunteer_ratings_", lambda: _("By volunteers"))],
    ),
)


def charts_from(indicators):
    """The evaluation's charts, built from the series rows of ``indicators.compute``."""
    charts = []
    for key, title, unit, series in CHARTS:
        rows = {}
        for index, (prefix, _name) in enumerate(series):
            for row in indicators:
                if row.key.startswith(prefix) and row.short_label:
                    value = round(row.value or 0, 1) if isinstance(row.value, float) else row.value
                    rows.setdefault(row.short_label, [0] * len(series))[index] = value
        names = tuple(name() for _prefix, name in series) if len(series) > 1 else ()
        charts.append(Chart(key, title(), list(rows.items()), unit, names))
    return charts
