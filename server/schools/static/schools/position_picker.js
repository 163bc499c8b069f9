// The site's position on a map in the admin: a click sets the lat/lon fields, and
// typing in them moves the marker. A file of our own, so the CSP needs no nonce for it.
(function () {
  "use strict";
  var box = document.getElementById("position-picker");
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  if (!box || !latInput || !lonInput || typeof L === "undefined") return;

  // Beside the lat/lon fields, where the administrator is looking.
  var section = box.closest("fieldset");
  var row = lonInput.closest(".form-row");
  if (section && row) {
    var holder = document.createElement("div");
    holder.className = "form-row field-position-picker";
    while (section.firstChild) holder.appendChild(section.firstChild);
    row.after(holder);
    section.remove();
  }

  function read() {
    var lat = parseFloat(latInput.value.replace(",", "."));
    var lon = parseFloat(lonInput.value.replace(",", "."));
    if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return [lat, lon];
  }

  var icon = L.icon({
    iconUrl: box.dataset.markerIcon,
    shadowUrl: box.dataset.markerShadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    shadowSize: [41, 41],
  });
  var start = read();
  var map = L.map(box).setView(
    start || [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)],
    start ? 16 : parseInt(box.dataset.zoom, 10)
  );
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
  var marker = start ? L.marker(start, { icon: icon }).addTo(map) : null;

  function place(latlng) {
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng, { icon: icon }).addTo(map);
  }

  map.on("click", function (event) {
    latInput.value = event.latlng.lat.toFixed(6);
    lonInput.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
  });
  function typed() {
    var position = read();
    if (position) {
      place(position);
      map.panTo(position);
    }
  }
  latInput.addEventListener("change", typed);
  lonInput.addEventListener("change", typed);
})();
