/*
 * The diff page's diagram: the newer version in the bpmn-js NavigatedViewer, elements added and
 * changed since the older version marked (lists come from the server). No inline script.
 */
(function () {
  'use strict';
  var container = document.getElementById('diff-diagram');
  if (!container || !window.BpmnJS) { return; }
  var viewer = new window.BpmnJS({ container: container });

  function ids(name) {
    try { return JSON.parse(container.getAttribute(name) || '[]'); } catch (e) { return []; }
  }

  fetch(container.getAttribute('data-source-url'), { credentials: 'same-origin' })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      ids('data-added').forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'cw-added'); } });
      ids('data-changed').forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'cw-changed'); } });
      container.setAttribute('data-state', 'ready');
    })
    .catch(function () {
      container.setAttribute('data-state', 'error');
      container.textContent = container.getAttribute('data-error-text');
    });
}());
