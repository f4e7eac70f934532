/*
 * The modeler's properties panel: edits what the engine reads on the selected element, with
 * the server's pick lists (GET data-palette-url): a lane's role, a node's lane, a user task's
 * form and due-date variable, a timer's kind and text (checked by GET data-timer-check-url,
 * legal-calendar periods included), a service task's registered action and its declared inputs;
 * a node's lane pick list also offers "new lane: role" for each role with no lane (modeler_lanes.js).
 * Every edit goes through bpmn-js's modeling API and is one entry of its command stack: an edit
 * that takes several modeling operations runs them inside one command (inOneStep, the pattern of
 * bpmn-js's own lane.add: nested commands in preExecute share the outer command's id), and an edit
 * of extension elements replaces them with new objects instead of changing them in place, so one
 * undo restores exactly what was there. No inline script (CSP): its words and the page's language
 * come from <script type="application/json" id="modeler-labels">.
 * window.CaseworkPanel(modeler, panelElement) -> { show(element), loaded, selected(), roles(), roleLabel(code),
 * useLanes(CaseworkLanes), inOneStep(run) }.
 */
(function () {
  'use strict';
  var SPIFF = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
  var TIMER_KINDS = ['timeDate', 'timeDuration', 'timeCycle'];
  var NEW_LANE = 'new-lane:';  // a lane pick-list value: add a lane for this role, then move there
  var STEPS = 'casework.steps';  // the command grouping a panel edit's modeling operations

  function $(id) { return document.getElementById(id); }

  function readLabels() {
    var node = $('modeler-labels');
    try { return JSON.parse(node ? node.textContent : '{}'); } catch (e) { return {}; }
  }
  var LABELS = readLabels();
  var LANG = LABELS.lang === 'en' ? 'en' : 'zh';

  function inLanguage(titles) { return (titles && (titles[LANG] || titles.zh || titles.en)) || ''; }

  function fillSelect(select, values, current) {
    select.textContent = '';
    [{ value: '', label: '—' }].concat(values).forEach(function (v) {
      var option = document.createElement('option');
      option.value = v.value;
      option.textContent = v.label;
      option.selected = v.value === (current || '');
      select.appendChild(option);
    });
  }

  window.CaseworkPanel = function (modeler, panel) {
    var palette = { roles: [], forms: [], actions: [], due_variables: [] };
    var selected = null;
    var modeling = modeler.get('modeling');
    var moddle = modeler.get('moddle');
    var registry = modeler.get('elementRegistry');
    var checkSeq = 0;
    var newLanes = null;  // CaseworkLanes (modeler_lanes.js), once it is there: missing(), add(role)

    function extValues(bo) { return (bo.extensionElements && bo.extensionElements.values) || []; }
    function extOf(bo, type) { return extValues(bo).filter(function (v) { return v.$type === type; })[0]; }
    function children(node, type) {
      return ((node && node.$children) || []).filter(function (c) { return !type || c.$type === type; });
    }

    // run(): several modeling operations as one command-stack entry (one undo, one redo). They run
    // in postExecute, after this command's own execute, so they are undone before its revert, which
    // puts back two things bpmn-js's own undo leaves changed in the XML: the order of the lanes'
    // node lists (lane.updateRefs restores who is in which lane, not the order) and label bounds
    // it wrote for labels that had none (a gateway's label moved with its connections; bpmn-js
    // writes them again when it redraws the labels, so they go once that is done).
    var commandStack = modeler.get('commandStack');
    var unlabel = [];
    modeler.get('eventBus').on('elements.changed', 250, function () {  // after the redraw (1000)
      unlabel.forEach(function (di) { delete di.label; });
      unlabel = [];
    });
    function snapshot() {
      var lanes = registry.filter(function (e) { return e.type === 'bpmn:Lane'; }).map(function (l) {
        var refs = l.businessObject.get('flowNodeRef');
        return { refs: refs, order: refs.slice() };
      });
      var unlabelled = registry.filter(function (e) { return e.di && e.di.$type === 'bpmndi:BPMNShape' && !e.di.label; })
        .map(function (e) { return e.di; });
      return { lanes: lanes, unlabelled: unlabelled };
    }
    commandStack.register(STEPS, {
      execute: function (context) { context.before = snapshot(); return []; },
      postExecute: function (context) { context.result = context.run(); },
      revert: function (context) {
        context.before.lanes.forEach(function (l) { l.refs.splice.apply(l.refs, [0, l.refs.length].concat(l.order)); });
        unlabel = context.before.unlabelled;
        return [];
      }
    });
    function inOneStep(run) {
      var context = { run: run };
      commandStack.execute(STEPS, context);
      return context.result;
    }

    // new extension elements of bo with `old` replaced by `fresh` (added if old is absent, removed
    // if fresh is null): the objects in place stay untouched, so undo puts them back as they were
    function replaceExtension(element, old, fresh) {
      var bo = element.businessObject;
      var values = extValues(bo).slice(), at = values.indexOf(old);
      if (fresh && at >= 0) { values[at] = fresh; } else if (fresh) { values.push(fresh); } else if (at >= 0) { values.splice(at, 1); }
      var ext = values.length ? moddle.create('bpmn:ExtensionElements', { values: values }) : undefined;
      if (ext) { ext.$parent = bo; }
      if (ext && fresh) { fresh.$parent = ext; }
      modeling.updateProperties(element, { extensionElements: ext });
    }

    function propertyOf(bo, name) {
      var found = '';
      children(extOf(bo, 'spiffworkflow:properties')).forEach(function (p) { if (p.name === name) { found = p.value; } });
      return found;
    }

    function setProperty(element, name, value) {
      if (propertyOf(element.businessObject, name) === value) { return; }  // no empty undo step
      var old = extOf(element.businessObject, 'spiffworkflow:properties');
      var kept = children(old).filter(function (p) { return p.name !== name; });
      if (value) { kept.push(moddle.createAny('spiffworkflow:property', SPIFF, { name: name, value: value })); }
      var props = kept.length ? moddle.createAny('spiffworkflow:properties', SPIFF, { $children: kept }) : null;
      replaceExtension(element, old, props);
    }

    function roleLabel(code) {
      var role = palette.roles.filter(function (r) { return r.code === code; })[0];
      return role ? inLanguage(role) + ' (' + code + ')' : code + ' (?)';
    }

    function lanes() { return registry.filter(function (e) { return e.type === 'bpmn:Lane'; }); }

    function laneOf(element) {
      var cx = element.x + element.width / 2, cy = element.y + element.height / 2;
      return lanes().filter(function (l) {
        return cx >= l.x && cx <= l.x + l.width && cy >= l.y && cy <= l.y + l.height &&
          !(l.children || []).some(function (c) { return c.type === 'bpmn:Lane'; });
      })[0];
    }

    // --- timers -------------------------------------------------------------------------
    function timerOf(bo) {
      return (bo.eventDefinitions || []).filter(function (d) { return d.$type === 'bpmn:TimerEventDefinition'; })[0];
    }

    function timerText(definition) {
      for (var i = 0; i < TIMER_KINDS.length; i++) {
        var expr = definition[TIMER_KINDS[i]];
        if (expr) { return { kind: TIMER_KINDS[i], text: expr.body || '' }; }
      }
      return { kind: 'timeDate', text: '' };
    }

    function checkTimer(kind, text) {
      var out = $('panel-timer-check'), seq = ++checkSeq;
      out.removeAttribute('data-ok');
      out.textContent = '…';
      var url = panel.getAttribute('data-timer-check-url') + '?kind=' + encodeURIComponent(kind) +
        '&text=' + encodeURIComponent(text);
      fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (answer) {
        if (seq !== checkSeq) { return; }
        out.textContent = answer.text || answer.message;
        out.setAttribute('data-ok', answer.ok ? 'true' : 'false');
      });
    }

    function setTimer(element) {
      var definition = timerOf(element.businessObject);
      var kind = $('panel-timer-kind').value, text = $('panel-timer-text').value.trim();
      var values = {};
      TIMER_KINDS.forEach(function (k) { values[k] = undefined; });
      values[kind] = moddle.create('bpmn:FormalExpression', { body: text });
      modeling.updateModdleProperties(element, definition, values);
      checkTimer(kind, text);
    }

    // --- service tasks ------------------------------------------------------------------
    function operatorOf(bo) { return extOf(bo, 'spiffworkflow:serviceTaskOperator'); }

    function paramValues(op) {
      var values = {};
      children(children(op, 'spiffworkflow:parameters')[0]).forEach(function (p) { values[p.id] = p.value; });
      return values;
    }

    function actionNamed(name) { return palette.actions.filter(function (a) { return a.name === name; })[0]; }

    function showParams(op) {
      var box = $('panel-params-list'), action = actionNamed(op ? op.id : '');
      var values = paramValues(op);
      box.textContent = '';
      $('panel-params').hidden = !action || !action.inputs.length;
      if (!action) { return; }
      action.inputs.forEach(function (input) {
        var label = document.createElement('label');
        label.textContent = input.name + ' (' + input.type + (input.optional ? ', ' + LABELS.optional : '') + ') ';
        var field = document.createElement('input');
        field.type = 'text';
        field.setAttribute('data-param', input.name);
        field.setAttribute('data-type', input.type);
        field.value = values[input.name] || '';
        field.addEventListener('change', function () { if (selected) { setOperator(selected, action.name); } });
        label.appendChild(field);
        box.appendChild(label);
      });
    }

    function setOperator(element, name) {
      var action = actionNamed(name);
      var old = operatorOf(element.businessObject);
      var params = moddle.createAny('spiffworkflow:parameters', SPIFF, { $children: [] });
      // the declared inputs only (others are refused at deploy); an empty one is left out
      document.querySelectorAll('#panel-params-list input[data-param]').forEach(function (field) {
        var declared = action && action.inputs.some(function (i) { return i.name === field.getAttribute('data-param'); });
        if (declared && field.value.trim()) {
          params.$children.push(moddle.createAny('spiffworkflow:parameter', SPIFF, {
            id: field.getAttribute('data-param'), type: field.getAttribute('data-type'), value: field.value.trim() }));
        }
      });
      var kept = children(old).filter(function (c) { return c.$type !== 'spiffworkflow:parameters'; });
      if (params.$children.length) { kept.push(params); }
      replaceExtension(element, old,
        moddle.createAny('spiffworkflow:serviceTaskOperator', SPIFF, { id: name, $children: kept }));
    }

    // --- showing the selected element ---------------------------------------------------
    function showOnly(cls, visible) {
      panel.querySelectorAll('.' + cls).forEach(function (n) { n.hidden = !visible; });
    }

    function show(element) {
      selected = element && element.type !== 'bpmn:Process' && element.type !== 'label' ? element : null;
      $('panel-none').hidden = !!selected;
      $('panel-fields').hidden = !selected;
      if (!selected) { return; }
      var bo = selected.businessObject, type = selected.type;
      $('panel-id').textContent = bo.id;
      $('panel-type').textContent = type.replace('bpmn:', '');
      $('panel-name').value = bo.name || '';
      var isLane = type === 'bpmn:Lane';
      var isNode = !selected.waypoints && !isLane && type !== 'bpmn:Participant' && type !== 'bpmn:BoundaryEvent';
      showOnly('for-lane', isLane);
      showOnly('for-node', isNode);
      if (isLane) {
        var roles = palette.roles.map(function (r) { return { value: r.code, label: roleLabel(r.code) }; });
        if (bo.name && !palette.roles.some(function (r) { return r.code === bo.name; })) {
          roles.push({ value: bo.name, label: bo.name + ' (' + LABELS.not_a_role + ')' });
        }
        fillSelect($('panel-role'), roles, bo.name);
      }
      if (isNode) {
        var lane = laneOf(selected);
        var choices = lanes().map(function (l) { return { value: l.id, label: roleLabel(l.businessObject.name || '') }; });
        (newLanes ? newLanes.missing() : []).forEach(function (r) {  // a role with no lane yet: one is added
          choices.push({ value: NEW_LANE + r.code, label: LABELS.new_lane + ': ' + roleLabel(r.code) });
        });
        fillSelect($('panel-lane'), choices, lane ? lane.id : '');
      }
      var userTask = type === 'bpmn:UserTask' || type === 'bpmn:ManualTask';
      showOnly('for-user-task', userTask);
      if (userTask) {
        var formKey = propertyOf(bo, 'formKey');
        var forms = palette.forms.map(function (f) { return { value: f.key, label: f.key + ' — ' + inLanguage(f) }; });
        if (formKey && !palette.forms.some(function (f) { return f.key === formKey; })) {
          forms.push({ value: formKey, label: formKey + ' (' + LABELS.missing + ')' });
        }
        fillSelect($('panel-form'), forms, formKey);
        var link = $('panel-form-link');
        link.hidden = !formKey;
        link.href = panel.getAttribute('data-form-url').replace('__KEY__', encodeURIComponent(formKey));
        $('panel-due').value = propertyOf(bo, 'dueVariable');
      }
      var timer = timerOf(bo);
      showOnly('for-timer', !!timer);
      if (timer) {
        var current = timerText(timer);
        $('panel-timer-kind').value = current.kind;
        $('panel-timer-text').value = current.text;
        if (current.text) { checkTimer(current.kind, current.text); } else { $('panel-timer-check').textContent = ''; }
      }
      var serviceTask = type === 'bpmn:ServiceTask';
      showOnly('for-service-task', serviceTask);
      if (serviceTask) {
        var op = operatorOf(bo);
        var actions = palette.actions.map(function (a) { return { value: a.name, label: a.name }; });
        fillSelect($('panel-action'), actions, op ? op.id : '');
        showParams(op);
      }
    }

    $('panel-name').addEventListener('change', function () {
      if (selected) { modeling.updateProperties(selected, { name: this.value }); }
    });
    $('panel-role').addEventListener('change', function () {
      if (selected && this.value) { modeling.updateProperties(selected, { name: this.value }); }
    });
    $('panel-lane').addEventListener('change', function () {
      if (!selected) { return; }
      var node = selected, value = this.value;
      inOneStep(function () {  // a new lane and the move into it: one undo
        var lane = value.indexOf(NEW_LANE) === 0 && newLanes ?
          newLanes.add(value.slice(NEW_LANE.length), { keepSelection: true }) : registry.get(value);
        if (!lane) { return; }
        var cy = node.y + node.height / 2, cx = node.x + node.width / 2;
        var dx = cx < lane.x + 40 ? lane.x + 80 - cx : 0;
        modeling.moveShape(node, { x: dx, y: lane.y + lane.height / 2 - cy });
      });
      show(node);
    });
    $('panel-form').addEventListener('change', function () {
      if (selected) { setProperty(selected, 'formKey', this.value); }
    });
    $('panel-due').addEventListener('change', function () {
      if (selected) { setProperty(selected, 'dueVariable', this.value.trim()); }
    });
    $('panel-timer-kind').addEventListener('change', function () { if (selected) { setTimer(selected); } });
    $('panel-timer-text').addEventListener('change', function () { if (selected) { setTimer(selected); } });
    $('panel-action').addEventListener('change', function () {
      if (!selected || !this.value) { return; }
      var op = operatorOf(selected.businessObject);
      showParams({ id: this.value, $children: op ? op.$children : [] });  // keep values of inputs that stay
      setOperator(selected, this.value);
    });

    var loaded = fetch(panel.getAttribute('data-palette-url'), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (answer) {
        palette = answer;
        var list = $('due-variables');
        answer.due_variables.forEach(function (name) {
          var option = document.createElement('option');
          option.value = name;
          list.appendChild(option);
        });
        panel.setAttribute('data-state', 'ready');
      });

    return { show: show, loaded: loaded, selected: function () { return selected; },
             roles: function () { return palette.roles; }, roleLabel: roleLabel,
             useLanes: function (lanesModule) { newLanes = lanesModule; }, inOneStep: inOneStep };
  };
}());
