/*
 * The modeler page: bpmn-js Modeler (global BpmnJS from bpmn-modeler.production.min.js) on
 * #modeler, a small properties panel (name, lane from the diagram's lanes, form key from the
 * registered forms), saving the draft as JSON with the revision it started from, and the
 * server's validation problems as markers, overlays and a list. No inline script (CSP).
 * States for tests: #modeler[data-state] = ready | saving | saved | conflict | error.
 * The bpmn.io watermark stays: its licence requires it.
 */
(function () {
  'use strict';
  var SPIFF = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
  var container = document.getElementById('modeler');
  if (!container || !window.BpmnJS) { return; }
  var modeler = new window.BpmnJS({ container: container });
  var csrf = (JSON.parse(document.body.getAttribute('hx-headers') || '{}'))['X-CSRFToken'];
  var shownProblems = [];
  var selected = null;
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
      var item = document.createElement('li');
      item.setAttribute('data-element', p.element);
      var code = document.createElement('code');
      code.textContent = p.element;
      item.appendChild(code);
      item.appendChild(document.createTextNode(' ' + p.message));
      $('problems').appendChild(item);
      if (registry.get(p.element)) {
        modeler.get('canvas').addMarker(p.element, 'cw-problem');
        var note = document.createElement('div');
        note.className = 'cw-problem-note';
        note.textContent = p.message;
        modeler.get('overlays').add(p.element, 'cw-problem', { position: { bottom: -6, left: 0 }, html: note });
        shownProblems.push(p.element);
        item.addEventListener('click', function () {
          modeler.get('selection').select(registry.get(p.element));
        });
      }
    });
    $('no-problems').hidden = problems.length > 0;
  }

  function extValues(bo) {
    return (bo.extensionElements && bo.extensionElements.values) || [];
  }

  function propertyOf(bo, name) {
    var found = '';
    extValues(bo).forEach(function (ext) {
      if (ext.$type === 'spiffworkflow:properties') {
        (ext.$children || []).forEach(function (p) { if (p.name === name) { found = p.value; } });
      }
    });
    return found;
  }

  function operatorOf(bo) {
    var op = extValues(bo).filter(function (v) { return v.$type === 'spiffworkflow:serviceTaskOperator'; })[0];
    return op ? op.id : '';
  }

  function extensionsOf(bo) {
    var ext = bo.extensionElements || modeler.get('moddle').create('bpmn:ExtensionElements', { values: [] });
    ext.values = ext.values || [];
    return ext;
  }

  function setProperty(element, name, value) {
    var moddle = modeler.get('moddle');
    var ext = extensionsOf(element.businessObject);
    var props = ext.values.filter(function (v) { return v.$type === 'spiffworkflow:properties'; })[0];
    if (!props) {
      props = moddle.createAny('spiffworkflow:properties', SPIFF, { $children: [] });
      ext.values.push(props);
    }
    props.$children = (props.$children || []).filter(function (p) { return p.name !== name; });
    if (value) {
      props.$children.push(moddle.createAny('spiffworkflow:property', SPIFF, { name: name, value: value }));
    }
    modeler.get('modeling').updateProperties(element, { extensionElements: ext });
  }

  function setOperator(element, value) {
    var ext = extensionsOf(element.businessObject);
    var op = ext.values.filter(function (v) { return v.$type === 'spiffworkflow:serviceTaskOperator'; })[0];
    if (op) {
      op.id = value;
    } else {
      ext.values.push(modeler.get('moddle').createAny('spiffworkflow:serviceTaskOperator', SPIFF,
                                                      { id: value, $children: [] }));
    }
    modeler.get('modeling').updateProperties(element, { extensionElements: ext });
  }

  function lanes() {
    return modeler.get('elementRegistry').filter(function (e) { return e.type === 'bpmn:Lane'; });
  }

  function laneOf(element) {
    var cx = element.x + element.width / 2, cy = element.y + element.height / 2;
    return lanes().filter(function (l) {
      return cx >= l.x && cx <= l.x + l.width && cy >= l.y && cy <= l.y + l.height &&
        !(l.children || []).some(function (c) { return c.type === 'bpmn:Lane'; });
    })[0];
  }

  function fillSelect(select, values, current) {
    select.textContent = '';
    [''].concat(values).forEach(function (v) {
      var option = document.createElement('option');
      option.value = v.value !== undefined ? v.value : v;
      option.textContent = v.label || v || '—';
      option.selected = option.value === current;
      select.appendChild(option);
    });
  }

  function showPanel(element) {
    selected = element && element.type !== 'bpmn:Process' && element.type !== 'label' ? element : null;
    $('panel-none').hidden = !!selected;
    $('panel-fields').hidden = !selected;
    if (!selected) { return; }
    var bo = selected.businessObject;
    $('panel-id').textContent = bo.id;
    $('panel-type').textContent = selected.type.replace('bpmn:', '');
    $('panel-name').value = bo.name || '';
    var isNode = !selected.waypoints && selected.type !== 'bpmn:Lane' && selected.type !== 'bpmn:Participant';
    $('panel-lane').disabled = !isNode;
    var lane = isNode ? laneOf(selected) : null;
    fillSelect($('panel-lane'), lanes().map(function (l) {
      return { value: l.id, label: (l.businessObject.name || l.id) };
    }), lane ? lane.id : '');
    var userTask = selected.type === 'bpmn:UserTask', serviceTask = selected.type === 'bpmn:ServiceTask';
    document.querySelectorAll('.for-user-task').forEach(function (n) { n.hidden = !userTask; });
    document.querySelectorAll('.for-service-task').forEach(function (n) { n.hidden = !serviceTask; });
    if (userTask) {
      fillSelect($('panel-form'), json('data-forms'), propertyOf(bo, 'formKey'));
      $('panel-due').value = propertyOf(bo, 'dueVariable');
    }
    if (serviceTask) { fillSelect($('panel-action'), json('data-actions'), operatorOf(bo)); }
  }

  $('panel-name').addEventListener('change', function () {
    if (selected) { modeler.get('modeling').updateProperties(selected, { name: this.value }); }
  });
  $('panel-form').addEventListener('change', function () {
    if (selected) { setProperty(selected, 'formKey', this.value); }
  });
  $('panel-due').addEventListener('change', function () {
    if (selected) { setProperty(selected, 'dueVariable', this.value.trim()); }
  });
  $('panel-action').addEventListener('change', function () {
    if (selected && this.value) { setOperator(selected, this.value); }
  });
  $('panel-lane').addEventListener('change', function () {
    var lane = modeler.get('elementRegistry').get(this.value);
    if (!selected || !lane) { return; }
    var cy = selected.y + selected.height / 2, cx = selected.x + selected.width / 2;
    var dx = cx < lane.x + 40 ? lane.x + 80 - cx : 0;
    modeler.get('modeling').moveShape(selected, { x: dx, y: lane.y + lane.height / 2 - cy });
    showPanel(selected);
  });

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
        $('save-conflict').textContent = answer.body.message || String(answer.status);
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

  $('import-file').addEventListener('change', function () {
    var file = this.files && this.files[0];
    if (!file) { return; }
    container.setAttribute('data-state', 'importing');
    file.text().then(function (xml) {
      return modeler.importXML(xml).then(function () {
        importedOriginal = xml;
        modeler.get('canvas').zoom('fit-viewport');
        showProblems([]);
        showPanel(null);
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
    .then(function () {
      modeler.get('canvas').zoom('fit-viewport');
      modeler.on('selection.changed', function (e) { showPanel(e.newSelection[0]); });
      modeler.on('element.changed', function (e) { if (selected && e.element === selected) { showPanel(selected); } });
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
