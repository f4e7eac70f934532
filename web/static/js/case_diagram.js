/*
 * The case page's process diagram: the bpmn-js NavigatedViewer (served from /vendor/bpmn-js/)
 * draws the case's model and marks the steps done and the current step(s).
 *
 *   <div id="case-diagram" data-xml-url="/cases/TA-2026-000002/diagram.bpmn"
 *        data-current='["report_correction"]' data-done='["start","draft_order"]'
 *        data-error-text="流程图无法显示 / The diagram could not be shown"></div>
 *
 * Loaded by a script tag after bpmn-navigated-viewer.production.min.js (global BpmnJS); no inline
 * script. When drawn the container gets data-state="ready" (or "error"), which tests wait on.
 * The bpmn.io watermark stays: its licence requires it.
 */
(function () {
  'use strict';

  function idList(container, name) {
    try {
      var value = JSON.parse(container.getAttribute(name) || '[]');
      return Array.isArray(value) ? value.filter(function (id) { return typeof id === 'string'; }) : [];
    } catch (e) {
      return [];
    }
  }

  function fail(container, error) {
    container.setAttribute('data-state', 'error');
    var message = document.createElement('p');
    message.className = 'case-diagram-error';
    message.textContent = container.getAttribute('data-error-text') ||
      '流程图无法显示 / The diagram could not be shown';
    container.appendChild(message);
    if (window.console) { window.console.error('case diagram:', error); }
  }

  function mark(viewer, ids, marker) {
    var registry = viewer.get('elementRegistry');
    var canvas = viewer.get('canvas');
    var marked = [];
    ids.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
        marked.push(id);
      }
    });
    return marked;
  }

  function draw(container) {
    var url = container.getAttribute('data-xml-url');
    if (!url || typeof window.BpmnJS !== 'function') {
      fail(container, new Error(url ? 'bpmn-js is not loaded' : 'no data-xml-url'));
      return Promise.resolve();
    }
    container.setAttribute('data-state', 'loading');
    var viewer = new window.BpmnJS({ container: container });
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/xml' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status + ' for ' + url); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var done = mark(viewer, idList(container, 'data-done'), 'cw-done');
        var current = mark(viewer, idList(container, 'data-current'), 'cw-current');
        viewer.get('canvas').zoom('fit-viewport', 'auto');
        container.setAttribute('data-marked-done', String(done.length));
        container.setAttribute('data-marked-current', String(current.length));
        container.setAttribute('data-state', 'ready');
        container.caseDiagram = viewer;  // for the page's own scripts and for tests
      })
      .catch(function (error) { fail(container, error); });
  }

  function start() {
    var container = document.getElementById('case-diagram');
    if (container) { draw(container); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
