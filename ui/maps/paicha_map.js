/* paicha's risk-map layers, drawn from one compact payload per layer (see ui/maps/builders.py).
 *
 * Households arrive as base64 arrays of two-byte grid positions (and four-byte weights), never
 * as one JavaScript call per household: 18,000 points cost about 100 kB, and past the
 * configured cap the server sends grid cells or per-village counts instead. Leaflet,
 * Leaflet.markercluster and Leaflet.heat are loaded before this file, all from installed
 * packages served by the app. Every text shown here was escaped on the server.
 */
(function () {
  "use strict";

  function bytes(b64) {
    var raw = atob(b64 || ""), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return new DataView(out.buffer);
  }

  // Positions of a point set: [lat, lng] per entry, the centre of its grid cell.
  function positions(set) {
    var xs = bytes(set.x), ys = bytes(set.y), n = xs.byteLength / 2, b = set.b, steps = set.n;
    var dx = (b[2] - b[0]) / steps, dy = (b[3] - b[1]) / steps, out = new Array(n);
    for (var i = 0; i < n; i++) {
      out[i] = [b[1] + (ys.getUint16(2 * i, true) + 0.5) * dy, b[0] + (xs.getUint16(2 * i, true) + 0.5) * dx];
    }
    return out;
  }

  function weights(set) {
    var ws = bytes(set.w), n = ws.byteLength / 4, out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = ws.getUint32(4 * i, true);
    return out;
  }

  function tooltip(layer, html, sticky) {
    if (html) layer.bindTooltip(html, {sticky: sticky !== false});
  }

  // Villages: a filled area each (or a filled circle where no area is known), the figures on hover.
  function villages(map, p) {
    return L.geoJSON(p.features, {
      style: function (f) {
        var chosen = f.properties.code === p.selected;
        return {color: chosen ? p.selectedLine : p.line, weight: chosen ? 4 : 1, fillColor: f.properties.fill,
                fillOpacity: p.opacity};
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {radius: p.pointRadius});
      },
      onEachFeature: function (f, layer) { tooltip(layer, f.properties.tip); }
    });
  }

  function outlines(map, p) {
    return L.geoJSON(p.features, {
      interactive: false,
      style: function () { return {color: p.line, weight: 2.5, fill: false, opacity: 0.9}; }
    });
  }

  function hazards(map, p) {
    return L.geoJSON(p.features, {
      style: function (f) { return f.properties.style; },
      onEachFeature: function (f, layer) { tooltip(layer, f.properties.tip); }
    });
  }

  // The heat gets a pane of its own above the village fills (which stay clickable through it).
  function heat(map, p) {
    if (!map.getPane("paichaHeat")) {
      var pane = map.createPane("paichaHeat");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";
    }
    var at = positions(p.points), w = weights(p.points), data = new Array(at.length);
    for (var i = 0; i < at.length; i++) data[i] = [at[i][0], at[i][1], w[i]];
    return L.heatLayer(data, {radius: p.radius, blur: p.blur, max: p.max, maxZoom: p.maxZoom,
                              minOpacity: 0.05, gradient: p.gradient, pane: "paichaHeat"});
  }

  function countIcon(p, n) {
    var size = n < 10 ? 30 : n < 100 ? 36 : 44;
    return L.divIcon({
      html: '<div style="background:' + p.colour + ';color:' + p.text + ';border:2px solid ' + p.outline +
            ';width:' + size + 'px;height:' + size + 'px;line-height:' + (size - 4) +
            'px;border-radius:50%;text-align:center;font:bold 12px sans-serif;opacity:.9">' + n + '</div>',
      className: "paicha-key-cluster", iconSize: L.point(size, size)
    });
  }

  // Key households not visited at home: one marker each, clustered, a masked popup with a link.
  function keys(map, p) {
    var group = L.markerClusterGroup({iconCreateFunction: function (c) { return countIcon(p, c.getChildCount()); },
                                      chunkedLoading: true,
                                      showCoverageOnHover: false, maxClusterRadius: 45});
    var style = {radius: 5, color: p.outline, weight: 1, fillColor: p.colour, fillOpacity: 0.95};
    if (!p.points) {
      // Too many to draw one by one: one count per village, said so on the page.
      var counts = [];
      for (var j = 0; j < p.counts.length; j++) {
        var c = p.counts[j];
        counts.push(L.marker([c.lat, c.lng], {icon: countIcon(p, c.n)}).bindPopup(c.popup));
      }
      return L.featureGroup(counts);
    }
    var at = positions(p.points), markers = new Array(at.length);
    for (var i = 0; i < at.length; i++) {
      var m = L.circleMarker(at[i], style);
      m.paichaIndex = i;
      m.bindPopup(function (layer) { return keyPopup(p, layer.paichaIndex); });
      markers[i] = m;
    }
    group.addLayers(markers);
    return group;
  }

  function keyPopup(p, i) {
    var groups = [], bits = p.groups[i];
    for (var k = 0; k < p.groupLabels.length; k++) if (bits & (1 << k)) groups.push(p.groupLabels[k]);
    var v = p.village[i];
    return '<div style="font:13px sans-serif;line-height:1.6"><b>' + p.title + '</b><br>' +
           p.labels.id + p.ids[i] + '<br>' + p.labels.head + p.names[i] + '<br>' +
           p.labels.village + p.villageNames[v] + '<br>' + p.labels.groups + groups.join(p.labels.join) +
           '<br><a href="' + p.link + p.villageCodes[v] + '" target="_blank" rel="noopener">' + p.labels.link + '</a></div>';
  }

  function legend(map, p) {
    var control = L.control({position: p.position || "bottomleft"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "paicha-legend");
      div.innerHTML = p.html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
    return control;
  }

  window.paichaMap = {villages: villages, outlines: outlines, hazards: hazards, heat: heat, keys: keys,
                      legend: legend, positions: positions, weights: weights};
})();
