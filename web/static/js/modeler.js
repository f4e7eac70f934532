/*
 * The modeler page: bpmn-js Modeler (global BpmnJS from bpmn-modeler.production.min.js) on
 * #modeler, the properties panel (modeler_panel.js, pick lists from the server), saving the
 * draft as JSON with the revision it started from, and the server's validation problems as
 * markers, overlays and a list, each in the page's language (the server's `text`); adding a lane
 * for a role with no lane yet (modeler_lanes.js). No inline
 * script (CSP): words come from the page (data-error-text, #modeler-labels for the panel).
 * States for tests: #modeler[data-state] = ready | saving | saved | conflict | error.
 * The bpmn.io watermark stays: its licence requires it.
 */
(function () {
  'use strict';
  var container = document.getElementById('modeler');
  if (!container || !window.BpmnJS) { return; }
  var modeler = new window.BpmnJS({ container: container });
  var csrf = (JSON.parse(document.body.getAttribute('hx-headers') || '{}'))['X-CSRFToken'];
  var shownProblems = [];
  var panel = window.CaseworkPanel(modeler, document.getElementById('modeler-panel'));
  var importedOriginal = null;  // the file's own XML: the server keeps the DI bpmn-js drops

  function json(name) {
    try { return JSON.parse(container.getAttribute(name) || '[]'); } catch (e) { return []; }
  }
  function $(id) { return document.getElementById(id); }

  function clearProblems() {
    var canvas = modeler.get('canvas');
    var registry = modeler.get('elementRegistry');
    shownProblems.forEach(function (id) {
      if (registry.get(id)) { canvas.removeMarker(id, 'cw-problem'); }
    });
    modeler.get('overlays').remove({ type: 'cw-problem' });
    shownProblems = [];
    $('problems').textContent = '';
  }

  function showProblems(problems) {
    clearProblems();
    var registry = modeler.get('elementRegistry');
    problems.forEach(function (p) {
      var message = p.text || p.message;
      var item = document.createElement('li');
      item.setAttribute('data-element', p.element);
      var code = document.createElement('code');
      code.textContent = p.element;
      item.appendChild(code);
      item.appendChild(document.createTextNode(' ' + message));
      $('problems').appendChild(item);
      if (registry.get(p.element)) {
        modeler.get('canvas').addMarker(p.element, 'cw-problem');
        var note = document.createElement('div');
        note.className = 'cw-problem-note';
        note.textContent = message;
        modeler.get('overlays').add(p.element, 'cw-problem', { position: { bottom: -6, left: 0 }, html: note });
        shownProblems.push(p.element);
        item.addEventListener('click', function () {
          modeler.get('selection').select(registry.get(p.element));
        });
      }
    });
    $('no-problems').hidden = problems.length > 0;
  }

  function save() {
    container.setAttribute('data-state', 'saving');
    $('save-conflict').hidden = true;
    return modeler.saveXML({ format: true }).then(function (result) {
      return fetch(container.getAttribute('data-save-url'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
        body: JSON.stringify({ xml: result.xml, base_version: Number(container.getAttribute('data-base-version')),
                               revision: Number(container.getAttribute('data-revision')),
                               original: importedOriginal })
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      if (answer.status === 200) {
        container.setAttribute('data-revision', answer.body.revision);
        $('revision-shown').textContent = answer.body.revision;
        $('deploy-revision').value = answer.body.revision;
        showProblems(answer.body.problems);
        container.setAttribute('data-state', 'saved');
      } else {
        $('save-conflict').textContent = answer.body.text || answer.body.message || String(answer.status);
        $('save-conflict').hidden = false;
        container.setAttribute('data-state', answer.status === 409 ? 'conflict' : 'error');
      }
    }).catch(function (error) {
      $('save-conflict').textContent = String(error);
      $('save-conflict').hidden = false;
      container.setAttribute('data-state', 'error');
    });
  }
  $('save-draft').addEventListener('click', save);

  // the browser's own file button speaks the browser's language: ours opens its picker
  $('import-button').addEventListener('click', function () { $('import-file').click(); });
  $('import-file').addEventListener('change', function () {
    var file = this.files && this.files[0];
    if (!file) { return; }
    container.setAttribute('data-state', 'importing');
    file.text().then(function (xml) {
      return modeler.importXML(xml).then(function () {
        importedOriginal = xml;
        modeler.get('canvas').zoom('fit-viewport');
        showProblems([]);
        panel.show(null);
        container.setAttribute('data-state', 'ready');
      });
    }).catch(function (error) {
      $('save-conflict').textContent = container.getAttribute('data-error-text') + ' (' + error + ')';
      $('save-conflict').hidden = false;
      container.setAttribute('data-state', 'error');
    });
  });

  fetch(container.getAttribute('data-source-url'), { credentials: 'same-origin' })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () { return panel.loaded; })
    .then(function () {
      window.CaseworkLanes(modeler, panel, $('lane-add-box'));
      modeler.get('canvas').zoom('fit-viewport');
      modeler.on('selection.changed', function (e) { panel.show(e.newSelection[0]); });
      modeler.on('element.changed', function (e) { if (e.element === panel.selected()) { panel.show(e.element); } });
      showProblems(json('data-problems'));
      container.setAttribute('data-state', 'ready');
    })
    .catch(function (error) {
      container.setAttribute('data-state', 'error');
      var p = document.createElement('p');
      p.className = 'flash error';
      p.textContent = container.getAttribute('data-error-text') + ' (' + error + ')';
      container.appendChild(p);
    });

  window.caseworkModeler = modeler;  // for tests and the browser console
}());
