"""Schools as compact data plus a little JavaScript, not one Python object per marker.

`SchoolData` writes every school once, column by column (codes, names, coordinates,
radius, the 0..100 values), with the helpers that draw them. Each `SchoolLayer` is a
view of that data (colour by one value, a subset drawn as pins or rings) that builds its
Leaflet markers the first time it is shown, so hidden layers cost neither HTML nor time.
With `cluster`, a layer is a leaflet.markercluster group; popups then come from
`popup_url` on click, so the page carries no popup HTML.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import FeatureGroup
from folium.plugins import MarkerCluster
from folium.template import Template

Style = Literal["circle", "pin", "ring"]


def compact_json(value: Any) -> str:
    """JSON without spaces, safe inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# The helpers every layer shares; `D` is the data written by SchoolData.
_RUNTIME = """
var grey = "#9e9e9e", n = D.code.length, act = {}, T = D.t;
D.act.forEach(function (i) { act[i] = true; });
function esc(s) {
  return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}
function colour(v) {
  return v == null ? grey : D.palette[Math.max(0, Math.min(100, Math.round(v)))];
}
function link(t, i) { return t.replace("{code}", encodeURIComponent(D.code[i])); }
function basic(i) {
  var p = D.v.priority[i];
  return '<div class="skm-popup"><b>' + esc(D.name[i]) + "</b><br>" + T.priority + " " +
    (p == null ? T.missing : "<b>" + p + "</b> " + T.of_100) +
    (act[i] ? '<br><b style="color:#d7191c">' + T.act_now + "</b>" : "") +
    '<br><a href="' + esc(link(D.siteUrl, i)) + '" target="_top">' + T.open_site + "</a></div>";
}
function open(map, i, latlng) {
  var popup = L.popup({maxWidth: 340}).setLatLng(latlng);
  if (D.popup) {
    popup.setContent(D.popup[i]);
  } else if (D.popupUrl) {
    popup.setContent(basic(i) + '<p class="skm-loading">' + T.loading + "</p>");
    fetch(link(D.popupUrl, i), {credentials: "same-origin", headers: {Accept: "text/html"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { popup.setContent(html); })
      .catch(function () { popup.setContent(basic(i) + "<p>" + T.failed + "</p>"); });
  } else {
    popup.setContent(basic(i));
  }
  popup.openOn(map);
}
var pin = L.AwesomeMarkers.icon({icon: "exclamation-sign", prefix: "glyphicon",
  markerColor: "red", extraClasses: "skm-act-now"});
function marker(i, o) {
  var ll = [D.lat[i], D.lon[i]], base = {name: D.name[i], skm: i};
  if (o.style === "pin") { return L.marker(ll, L.extend({icon: pin}, base)); }
  if (o.style === "ring") {
    return L.circleMarker(ll, L.extend({radius: D.r[i] + 4, color: o.colour, weight: 3,
      fill: false, className: o.cls}, base));
  }
  var urgent = o.outline && act[i];
  return L.circleMarker(ll, L.extend({radius: D.r[i], color: urgent ? "#d7191c" : "#333",
    weight: urgent ? 3 : 1, fillColor: colour(D.v[o.value][i]), fillOpacity: 0.85,
    className: o.cls + (urgent ? " skm-urgent" : "")}, base));
}
function fill(layer, map, o) {
  var idx = o.subset, ms = [];
  if (!idx) { idx = []; for (var k = 0; k < n; k++) { idx.push(k); } }
  idx.forEach(function (i) { ms.push(marker(i, o)); });
  if (layer.addLayers) {
    layer.addLayers(ms);
  } else {
    ms.forEach(function (m) { layer.addLayer(m); });
  }
  layer.on("click", function (e) {
    var m = e.propagatedFrom || e.layer;
    open(map, m.options.skm, m.getLatLng());
  });
  layer.on("mouseover", function (e) {
    var m = e.propagatedFrom || e.layer;
    if (m.options.skm === undefined || m.getTooltip()) { return; }
    var label = document.createElement("span");
    label.textContent = D.name[m.options.skm] + (o.label ? " – " + o.label : "");
    m.bindTooltip(label).openTooltip();
  });
}
// No chunkedLoading: markercluster 1.1 throws on zooms while chunks are still loading.
function cluster(o) {
  return L.markerClusterGroup({showCoverageOnHover: false, disableClusteringAtZoom: 15,
    iconCreateFunction: function (c) {
      var count = c.getChildCount(), top = null, bg, fg, shape = "";
      if (o.style === "pin") {
        bg = "#d7191c"; fg = "#fff"; count = "!" + count; shape = ";border-radius:4px";
      } else {
        c.getAllChildMarkers().forEach(function (m) {
          var v = D.v[o.value][m.options.skm];
          if (v != null && (top === null || v > top)) { top = v; }
        });
        bg = colour(top); fg = top !== null && top >= 55 ? "#fff" : "#222";
      }
      return L.divIcon({className: "marker-cluster skm-cluster", iconSize: L.point(40, 40),
        html: '<div style="background:' + bg + ";color:" + fg + shape + '"><span>' + count +
          "</span></div>"});
    }});
}
return {
  open: open,
  group: function (o) { return o.cluster ? cluster(o) : L.featureGroup(); },
  layer: function (layer, map, o) {
    if (map.hasLayer(layer)) {
      fill(layer, map, o);
    } else {
      layer.once("add", function () { fill(layer, map, o); });
    }
  }
};
"""


class SchoolData(MacroElement):
    """The schools, written once as columns, and the JavaScript the layers share.

    `columns`: `code`, `name`, `lat`, `lon`, `r` (radius in px) lists, `v` a dict of
    0..100 value lists (`priority` and the pillars; None where missing), `act` the
    indices of act-now schools, `popup` inline popup HTML per school or None,
    `popupUrl`/`siteUrl` URL templates with "{code}", `palette` the 101 colours of
    the scale at 0, 1, ..., 100, and `t` the words the script shows (see `maps.texts`).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (D) {
        {{ this.runtime }}
        })({{ this.json }});
        {% endmacro %}
        """
    )

    def __init__(self, columns: dict[str, Any]) -> None:
        super().__init__()
        self._name = "SchoolData"
        self.columns = columns
        self.runtime = _RUNTIME

    @property
    def json(self) -> str:
        return compact_json(self.columns)

    def __len__(self) -> int:
        return len(self.columns["code"])


class SchoolLayer(JSCSSMixin, FeatureGroup):
    """One toggleable view of `data`: a LayerControl entry, searchable by school name.

    `value` colours circles (a key of the data's `v`); `subset` limits the layer to
    those school indices; `style` "pin" marks them with a red pin, "ring" with a ring of
    `colour`; `outline` gives act-now schools a red outline; `css_class` is put on each
    circle (so a browser test can count them); `label` follows the name in the tooltip.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.data.get_name() }}.group({{ this.options_json }});
        {{ this.data.get_name() }}.layer({{ this.get_name() }}, {{ this._parent.get_name() }},
            {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: SchoolData,
        name: str,
        *,
        value: str = "priority",
        subset: list[int] | None = None,
        style: Style = "circle",
        colour: str = "#2166ac",
        outline: bool = False,
        cluster: bool = False,
        css_class: str = "skm-school",
        label: str = "",
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, show=show)
        self._name = "SchoolLayer"
        self.data = data
        self.layer_options: dict[str, Any] = {
            "value": value,
            "subset": subset,
            "style": style,
            "colour": colour,
            "outline": outline,
            "cluster": cluster,
            "cls": css_class,
            "label": label,
        }
        if cluster:
            # The markercluster plugin's files, which use_local_assets then points home.
            self.default_js = list(MarkerCluster.default_js)
            self.default_css = list(MarkerCluster.default_css)

    @property
    def options_json(self) -> str:
        return compact_json(self.layer_options)

    def __len__(self) -> int:
        subset = self.layer_options["subset"]
        return len(self.data) if subset is None else len(subset)


class SearchOpensPopup(MacroElement):
    """When folium's Search finds a school, open its popup as a click would."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.layer.get_name() }}searchControl.on("search:locationfound", function (e) {
            if (e.layer && e.layer.options.skm !== undefined) {
                {{ this.data.get_name() }}.open({{ this._parent.get_name() }},
                    e.layer.options.skm, e.layer.getLatLng());
            }
        });
        {% endmacro %}
        """
    )

    def __init__(self, data: SchoolData, layer: SchoolLayer) -> None:
        super().__init__()
        self._name = "SearchOpensPopup"
        self.data = data
        self.layer = layer


class MapNote(MacroElement):
    """A box of short HTML lines in a corner of the map (a Leaflet control)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var note = L.control({position: {{ this.position|tojson }}});
            note.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.style.cssText = {{ this.css|tojson }};
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            note.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, html: str, *, css_class: str, css: str, position: str = "bottomleft"
    ) -> None:
        super().__init__()
        self._name = "MapNote"
        self.html = html
        self.css_class = css_class
        self.css = css
        self.position = position
